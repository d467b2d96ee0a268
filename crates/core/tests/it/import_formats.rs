//! Every exchange layout, one fixture per generation and quirk, imported into a real encrypted
//! vault: detected by its header, read into the right legs, skipped rows listed with their reason,
//! and a second import of the same file adding nothing.

use std::sync::{Arc, Mutex};

use crate::support::{dry, fixture, vault, write};
use crypto_balance_core::transfer::generic::{parse_column_args, ColumnMap};
use crypto_balance_core::transfer::import::{ImportControl, ImportOptions};
use crypto_balance_core::transfer::resolve::parse_map_arg;
use crypto_balance_core::transfer::{ImportFormat, ImportPhase, ImportReport};
use crypto_balance_core::{App, ErrorCode};

struct Case {
    file: &'static str,
    format: ImportFormat,
    options: ImportOptions,
    rows: u64,
    imported: u64,
    skipped: &'static [(u64, &'static str)],
    /// Net amount per coin id.
    assets: &'static [(&'static str, &'static str)],
    /// Average cost per coin id after the import, where the file prices it.
    costs: &'static [(&'static str, &'static str)],
}

fn maps(maps: &[&str]) -> ImportOptions {
    ImportOptions {
        maps: maps.iter().filter_map(|m| parse_map_arg(m).ok()).collect(),
        ..ImportOptions::default()
    }
}

/// The generic importer's columns as the command line writes them.
fn columns(texts: &[&str]) -> ColumnMap {
    let texts: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
    parse_column_args(&texts).unwrap_or_default()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            file: "coinbase-2024.csv",
            format: ImportFormat::Coinbase,
            options: maps(&["ETH2=ethereum"]),
            rows: 5,
            imported: 8,
            skipped: &[],
            assets: &[
                ("ethereum", "0.000037835729"),
                ("bitcoin", "-0.00196346"),
                ("ripple", "156.145683"),
                ("eur", "-70"),
            ],
            costs: &[],
        },
        Case {
            file: "coinbase-2025.csv",
            format: ImportFormat::Coinbase,
            options: ImportOptions::default(),
            rows: 5,
            imported: 10,
            skipped: &[],
            assets: &[
                ("solana", "4.5165"),
                ("usd", "-873.21"),
                ("cardano", "-0.9"),
            ],
            costs: &[],
        },
        Case {
            file: "coinbase-2021.csv",
            format: ImportFormat::Coinbase,
            options: ImportOptions::default(),
            rows: 8,
            imported: 12,
            skipped: &[(16, "Coinbase type 'Vault Withdrawal'")],
            assets: &[
                ("bitcoin", "0.008"),
                ("usd", "-46.44"),
                ("ethereum", "0.4"),
                ("stellar", "12.5"),
                ("cosmos", "0.05"),
            ],
            costs: &[],
        },
        Case {
            file: "coinbase-2020.csv",
            format: ImportFormat::Coinbase,
            options: ImportOptions::default(),
            rows: 2,
            imported: 4,
            skipped: &[],
            assets: &[("bitcoin", "0.006"), ("eur", "-84")],
            costs: &[],
        },
        Case {
            file: "kraken-ledgers-2019.csv",
            format: ImportFormat::KrakenLedgers,
            options: ImportOptions::default(),
            rows: 6,
            imported: 7,
            skipped: &[(2, "pending")],
            assets: &[
                ("eur", "149.09"),
                ("bitcoin", "0.0495"),
                ("tezos", "1.2345"),
            ],
            costs: &[],
        },
        Case {
            file: "kraken-ledgers-2024.csv",
            format: ImportFormat::KrakenLedgers,
            options: ImportOptions::default(),
            rows: 10,
            imported: 11,
            skipped: &[(9, "pending")],
            assets: &[
                ("eur", "-80.2"),
                ("ethereum", "0.501"),
                ("dogecoin", "1000"),
                ("cardano", "50"),
            ],
            // Paired by refid across other rows: 80 EUR for 1,000 DOGE; 996 EUR for 0.5 ETH.
            costs: &[("dogecoin", "0.08"), ("ethereum", "1992")],
        },
        Case {
            file: "kraken-trades.csv",
            format: ImportFormat::KrakenTrades,
            options: ImportOptions::default(),
            rows: 2,
            imported: 6,
            skipped: &[],
            assets: &[("bitcoin", "0.0699"), ("eur", "-501.3"), ("ethereum", "-1")],
            costs: &[],
        },
        Case {
            file: "Binance-Transaction-History-202405200400(UTC+8)_a1b2.csv",
            format: ImportFormat::Binance,
            options: ImportOptions::default(),
            rows: 9,
            imported: 8,
            skipped: &[(10, "the change is 0")],
            assets: &[("tether", "400"), ("binancecoin", "0.99891105")],
            costs: &[],
        },
        Case {
            file: "binance-trades.csv",
            format: ImportFormat::BinanceTrades,
            options: ImportOptions::default(),
            rows: 2,
            imported: 6,
            skipped: &[],
            assets: &[
                ("ethereum", "0.17982"),
                ("tether", "1465"),
                ("bitcoin", "-0.1"),
                ("binancecoin", "-0.00002"),
            ],
            costs: &[],
        },
        Case {
            file: "binance-trades-2019.csv",
            format: ImportFormat::BinanceTrades,
            options: ImportOptions::default(),
            rows: 1,
            imported: 3,
            skipped: &[],
            assets: &[("binancecoin", "9.9925"), ("bitcoin", "-0.016")],
            costs: &[],
        },
        Case {
            file: "cointracking.csv",
            format: ImportFormat::Cointracking,
            options: ImportOptions::default(),
            rows: 4,
            imported: 7,
            skipped: &[],
            assets: &[("bitcoin", "0.0065"), ("eur", "-521")],
            costs: &[],
        },
        Case {
            file: "cointracking-full.csv",
            format: ImportFormat::Cointracking,
            options: ImportOptions::default(),
            rows: 4,
            imported: 5,
            skipped: &[(5, "no buy, sell or fee amount")],
            assets: &[
                ("ethereum", "0.999"),
                ("tether", "-4000"),
                ("cardano", "50"),
            ],
            costs: &[],
        },
        Case {
            file: "coinstats-template.csv",
            format: ImportFormat::Coinstats,
            options: ImportOptions::default(),
            rows: 3,
            imported: 7,
            skipped: &[],
            // 0.5 BTC bought for 15,000 and a 15 fee; 0.1 sold for 3,500 and a 5 fee.
            assets: &[("bitcoin", "0.4"), ("ethereum", "2"), ("usd", "-11520")],
            costs: &[("bitcoin", "30000")],
        },
        Case {
            file: "coinstats-export.csv",
            format: ImportFormat::Coinstats,
            options: ImportOptions::default(),
            rows: 4,
            imported: 4,
            skipped: &[(3, "balance fill"), (4, "duplicate")],
            assets: &[("solana", "7"), ("tether", "-200.02")],
            costs: &[],
        },
        Case {
            file: "koinly-eu-semicolons.csv",
            format: ImportFormat::Koinly,
            options: ImportOptions::default(),
            rows: 2,
            imported: 4,
            skipped: &[],
            assets: &[("eur", "-1252"), ("ethereum", "0.51")],
            costs: &[],
        },
        Case {
            file: "generic.csv",
            format: ImportFormat::Generic,
            options: ImportOptions {
                columns: columns(&[
                    "time=Datum",
                    "coin=Munt",
                    "amount=Aantal",
                    "kind=Soort",
                    "price=Koers",
                    "price_currency=Valuta",
                    "account=Rekening",
                    "note=Omschrijving",
                ]),
                ..ImportOptions::default()
            },
            rows: 2,
            imported: 2,
            skipped: &[],
            assets: &[("bitcoin", "0.01"), ("ethereum", "-0.5")],
            costs: &[],
        },
    ]
}

async fn check(app: &App, case: &Case) {
    let file = fixture(case.file);
    let name = case.file;
    let preview = app
        .import(&file, &dry(case.options.clone()))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(preview.format, case.format, "{name}");
    assert!(
        preview.unresolved.is_empty(),
        "{name}: {:?}",
        preview.unresolved
    );
    assert_eq!(
        (preview.rows, preview.imported, preview.skipped_count),
        (case.rows, case.imported, case.skipped.len() as u64),
        "{name}: {:?}",
        preview.skipped
    );
    for ((line, reason), skipped) in case.skipped.iter().zip(&preview.skipped) {
        assert_eq!(skipped.line, *line, "{name}: {skipped:?}");
        assert!(skipped.reason.contains(reason), "{name}: {skipped:?}");
    }
    for (coin, net) in case.assets {
        let got = preview.assets.get(*coin).map(ToString::to_string);
        assert_eq!(
            got.as_deref(),
            Some(*net),
            "{name}: {coin} in {:?}",
            preview.assets
        );
    }
    assert_eq!(
        preview.assets.len(),
        case.assets.len(),
        "{name}: {:?}",
        preview.assets
    );

    let report = app.import(&file, &case.options).await.unwrap();
    assert_eq!(report.imported, case.imported, "{name}");
    assert!(report.batch_id.is_some(), "{name}");
    let holdings = app.holdings().await.unwrap();
    for (coin, cost) in case.costs {
        let costs: Vec<String> = holdings
            .iter()
            .filter(|h| h.coin == *coin)
            .filter_map(|h| h.average_cost.map(|c| c.to_string()))
            .collect();
        assert!(
            costs.iter().any(|c| c == cost),
            "{name}: {coin} costs {costs:?}"
        );
    }
    let again = app.import(&file, &case.options).await.unwrap();
    assert_eq!(
        (again.imported, again.duplicates),
        (0, case.imported),
        "{name}: re-import"
    );
    assert_eq!(again.batch_id, None, "{name}");
}

#[tokio::test]
async fn every_layout_imports_its_fixture_and_a_re_import_adds_nothing() {
    for case in cases() {
        // A vault per file, so each file's net amounts are its own.
        let temp = tempfile::tempdir().unwrap();
        let app = vault(temp.path()).await;
        check(&app, &case).await;
    }
}

#[tokio::test]
async fn the_binance_sample_needs_its_unknown_coins_resolved_first() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let file = fixture("binance-2017.csv");
    let preview_choices = dry(ImportOptions::default());
    let preview = app.import(&file, &preview_choices).await.unwrap();
    let unresolved: Vec<&str> = preview
        .unresolved
        .iter()
        .map(|u| u.symbol.as_str())
        .collect();
    assert_eq!(unresolved, ["ETF", "IOTA"]);
    let refused = app
        .import(&file, &ImportOptions::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::AmbiguousCoin);
    assert!(refused.to_string().contains("--map"), "{refused}");
    // The coin list learns them (a catalog refresh); then the file imports as it is.
    let store = app.store().await.unwrap();
    sqlx::query("INSERT INTO assets (id, symbol, name, kind) VALUES ('iota', 'iota', 'IOTA', 'coin'), ('ethereum-fair', 'etf', 'EthereumFair', 'coin')")
        .execute(store.pool())
        .await
        .unwrap();
    let report = app.import(&file, &ImportOptions::default()).await.unwrap();
    assert_eq!(
        (report.format, report.rows, report.imported),
        (ImportFormat::Binance, 8, 8)
    );
    assert_eq!(report.assets["ethereum"].to_string(), "0.55886756");
    assert_eq!(report.assets["iota"].to_string(), "79.92");
    assert_eq!(report.assets["ethereum-fair"].to_string(), "0.0000006");
    // The preview says how each symbol was read.
    let how: Vec<(&str, &str, &str)> = report
        .resolved
        .iter()
        .map(|r| (r.symbol.as_str(), r.id.as_str(), r.how.as_str()))
        .collect();
    assert!(
        how.contains(&("ETF", "ethereum-fair", "the only coin with this symbol")),
        "{how:?}"
    );
    assert!(
        how.contains(&("ETH", "ethereum", "the only coin with this symbol")),
        "{how:?}"
    );
    let holdings = app.holdings().await.unwrap();
    assert!(
        holdings.iter().all(|h| h.account == "Binance"),
        "{holdings:?}"
    );
    // The 20:51:10 trade: 80 IOTA for 0.4960368 ETH, each priced in the other.
    let iota = holdings.iter().find(|h| h.coin == "iota").unwrap();
    assert_eq!(
        iota.average_cost.map(|c| c.to_string()).as_deref(),
        Some("0.00620046")
    );
}

#[tokio::test]
async fn times_are_read_in_the_zone_the_file_or_the_person_names() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let named = fixture("Binance-Transaction-History-202405200400(UTC+8)_a1b2.csv");
    let preview = app
        .import(&named, &dry(ImportOptions::default()))
        .await
        .unwrap();
    assert_noted(&preview, "UTC+08:00");
    // Renamed, the file no longer says; the preview says UTC was assumed, and a chosen zone wins.
    let renamed = write(
        temp.path(),
        "statement.csv",
        &std::fs::read(&named).unwrap(),
    );
    let preview = app
        .import(&renamed, &dry(ImportOptions::default()))
        .await
        .unwrap();
    assert_noted(&preview, "times read as UTC");
    app.import(&named, &ImportOptions::default()).await.unwrap();
    let ledger = export_ledger(&app).await;
    // 24-05-16 12:57:55 at UTC+8.
    assert!(
        ledger.contains("2024-05-16T04:57:55Z,Binance,tether,1000,deposit"),
        "{ledger}"
    );
    let chosen = ImportOptions {
        utc_offset: Some(-6 * 3_600),
        dry_run: true,
        ..ImportOptions::default()
    };
    let preview = app.import(&renamed, &chosen).await.unwrap();
    assert_noted(&preview, "UTC-06:00");
    assert_eq!(preview.duplicates, 0, "other times are other rows");
}

/// The report says `text` in one of its notes.
fn assert_noted(report: &ImportReport, text: &str) {
    assert!(
        report.notes.iter().any(|n| n.contains(text)),
        "no note says {text:?}: {:?}",
        report.notes
    );
}

async fn export_ledger(app: &App) -> String {
    let mut bytes = Vec::new();
    app.export(
        crypto_balance_core::transfer::ExportWhat::Ledger,
        &mut bytes,
        std::path::Path::new("test"),
    )
    .await
    .unwrap();
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn a_forced_format_that_does_not_fit_and_bad_column_choices_are_refused() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let forced = ImportOptions {
        format: Some(ImportFormat::KrakenLedgers),
        ..ImportOptions::default()
    };
    let error = app
        .import(&fixture("coinbase-2024.csv"), &forced)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("no Kraken ledgers header"),
        "{error}"
    );
    let missing = ImportOptions {
        columns: columns(&["time=Datum", "coin=Munt"]),
        ..ImportOptions::default()
    };
    let error = app
        .import(&fixture("generic.csv"), &missing)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("needs the amount column"),
        "{error}"
    );
    let absent = ImportOptions {
        columns: columns(&["time=Date", "coin=Munt", "amount=Aantal"]),
        ..ImportOptions::default()
    };
    let error = app
        .import(&fixture("generic.csv"), &absent)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("every column you named"),
        "{error}"
    );
    let bad_row = write(
        temp.path(),
        "kraken-bad.csv",
        b"\"txid\",\"refid\",\"time\",\"type\",\"aclass\",\"asset\",\"amount\",\"fee\",\"balance\"\n\"L1\",\"R1\",\"2019-03-01 10:00:00\",\"deposit\",\"currency\",\"ZEUR\",5O0.0000,0.0000,500\n",
    );
    let error = app
        .import(&bad_row, &ImportOptions::default())
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("kraken-bad.csv, line 2, column amount"),
        "{message}"
    );
    assert!(app.holdings().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_row_repeated_anywhere_in_a_file_or_the_ledger_is_written_once() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    // 20,000 rows, the last 8,000 repeating ids of the first: repeats within a batch, across
    // batches, found in memory and (past its room in a debug build) by the database.
    let mut csv = String::from("time,account,coin,amount,kind,price,price_currency,note,id\n");
    for n in 0..20_000 {
        csv.push_str(&format!(
            "2024-01-02T03:04:05Z,A,bitcoin,0.{n:05},deposit,,,,r{}\n",
            n % 12_000
        ));
    }
    let file = write(temp.path(), "repeats.csv", csv.as_bytes());
    let report = app.import(&file, &ImportOptions::default()).await.unwrap();
    assert_eq!((report.imported, report.duplicates), (12_000, 8_000));
    let again = app.import(&file, &ImportOptions::default()).await.unwrap();
    assert_eq!((again.imported, again.duplicates), (0, 20_000));
}

#[tokio::test]
async fn progress_is_reported_and_a_cancel_leaves_nothing_behind() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let mut csv = String::from("time,account,coin,amount,kind,price,price_currency,note,id\n");
    for n in 0..20_000 {
        csv.push_str(&format!(
            "2024-01-02T03:04:05Z,A,bitcoin,0.{n:05},deposit,,,,\n"
        ));
    }
    let file = write(temp.path(), "big.csv", csv.as_bytes());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let control = ImportControl::with_progress(move |p| log.lock().unwrap().push(p));
    let report = app
        .import_with(&file, &ImportOptions::default(), &control)
        .await
        .unwrap();
    assert_eq!(report.imported, 20_000);
    let progress = seen.lock().unwrap().clone();
    let last = progress.last().copied().unwrap();
    assert_eq!((last.phase, last.rows), (ImportPhase::Importing, 20_000));
    assert_eq!(last.bytes_done, last.bytes_total);
    assert!(progress.iter().all(|p| p.phase == ImportPhase::Importing));
    assert!(progress.len() >= 4, "one report per batch: {progress:?}");
    assert!(progress
        .windows(2)
        .all(|w| w[0].bytes_done <= w[1].bytes_done && w[0].rows <= w[1].rows));
    // A preview reads and checks the same file in the same one pass.
    let previewed = Arc::new(Mutex::new(Vec::new()));
    let log = previewed.clone();
    let control = ImportControl::with_progress(move |p| log.lock().unwrap().push(p));
    let dry = ImportOptions {
        dry_run: true,
        ..ImportOptions::default()
    };
    app.import_with(&file, &dry, &control).await.unwrap();
    let previewed = previewed.lock().unwrap().clone();
    assert!(previewed.iter().all(|p| p.phase == ImportPhase::Reading));

    // Cancelled from its own progress report, halfway through writing.
    let other = write(
        temp.path(),
        "other.csv",
        csv.replace("A,bitcoin", "B,ethereum").as_bytes(),
    );
    let control = ImportControl::default();
    let switch = control.clone();
    let control = control.on_progress(move |p| {
        if p.phase == ImportPhase::Importing && p.rows > 5_000 {
            switch.cancel();
        }
    });
    let cancelled = app
        .import_with(&other, &ImportOptions::default(), &control)
        .await
        .unwrap_err();
    assert_eq!(cancelled.code(), ErrorCode::Cancelled);
    assert!(
        cancelled.to_string().contains("nothing was imported"),
        "{cancelled}"
    );
    let holdings = app.holdings().await.unwrap();
    assert_eq!(holdings.len(), 1, "only the first import: {holdings:?}");
}

/// Kraken's ledgers and trades exports describe the same trade (the trade's txid is the refid of
/// its ledger rows): importing both, in either order, counts it once.
#[tokio::test]
async fn kraken_trades_and_ledgers_count_each_trade_once_in_either_order() {
    let ledgers = "\"txid\",\"refid\",\"time\",\"type\",\"subtype\",\"aclass\",\"asset\",\"amount\",\"fee\",\"balance\"\n\
        \"L1\",\"D1\",\"2023-06-18 10:00:00\",\"deposit\",\"\",\"currency\",\"ZEUR\",1000.0000,0.0000,1000.0000\n\
        \"L2\",\"TQ1\",\"2023-06-19 13:34:05\",\"trade\",\"\",\"currency\",\"ZEUR\",-500.0000,1.3000,498.7000\n\
        \"L3\",\"TQ1\",\"2023-06-19 13:34:05\",\"trade\",\"\",\"currency\",\"XXBT\",0.0200000000,0.0000000000,0.0200000000\n";
    let trades = "\"txid\",\"ordertxid\",\"pair\",\"time\",\"type\",\"ordertype\",\"price\",\"cost\",\"fee\",\"vol\",\"margin\",\"misc\",\"ledgers\"\n\
        \"TQ1\",\"O1\",\"XXBTZEUR\",\"2023-06-19 13:34:05\",\"buy\",\"limit\",25000.00000,500.00000,1.30000,0.02000000,0.00000,\"\",\"L2,L3\"\n";
    for (first, second) in [(ledgers, trades), (trades, ledgers)] {
        let temp = tempfile::tempdir().unwrap();
        let app = vault(temp.path()).await;
        let options = ImportOptions::default();
        let one = write(temp.path(), "first.csv", first.as_bytes());
        let two = write(temp.path(), "second.csv", second.as_bytes());
        app.import(&one, &options).await.unwrap();
        let again = app.import(&two, &options).await.unwrap();
        assert!(again.duplicates >= 3, "{again:?}");
        let held: Vec<(String, String)> = app
            .holdings()
            .await
            .unwrap()
            .into_iter()
            .map(|h| (h.coin.to_string(), h.amount.to_string()))
            .collect();
        let bitcoin = held.iter().find(|(coin, _)| coin == "bitcoin");
        assert_eq!(
            bitcoin.map(|(_, amount)| amount.as_str()),
            Some("0.02"),
            "{held:?}"
        );
        let euro: Vec<&str> = held
            .iter()
            .filter(|(coin, _)| coin == "eur")
            .map(|(_, amount)| amount.as_str())
            .collect();
        // 1,000 deposited, 500 spent, 1.3 in fees: the same whichever file came first.
        assert_eq!(euro, vec!["498.7"], "{held:?}");
    }
}
