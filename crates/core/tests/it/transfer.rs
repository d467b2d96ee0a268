//! Native CSV import and export against a real encrypted database.

use std::path::Path;

use crate::support::{dry, holding, vault, write};
use crypto_balance_core::holdings::NewHolding;
use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::transfer::ExportWhat;
use crypto_balance_core::{App, ErrorCode};

async fn export(app: &App, what: ExportWhat) -> String {
    let mut bytes = Vec::new();
    app.export(what, &mut bytes, Path::new("test"))
        .await
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

fn options() -> ImportOptions {
    ImportOptions::default()
}

async fn seed(app: &App) {
    let add = |coin: &str, amount: &str, account: &str, price: Option<&str>, note: Option<&str>| {
        NewHolding {
            coin: coin.into(),
            amount: amount.parse().unwrap(),
            account: Some(account.into()),
            price: price.map(|p| p.parse().unwrap()),
            currency: price.map(|_| "usd".into()),
            note: note.map(str::to_owned),
            ..NewHolding::default()
        }
    };
    app.add_holding(add(
        "btc",
        "0.123456789012345678",
        "Ledger",
        Some("40000.5"),
        Some("=HYPERLINK(\"http://evil\")"),
    ))
    .await
    .unwrap();
    app.add_holding(add(
        "ethereum",
        "2",
        "+Kraken",
        None,
        Some("line one\nline \"two\""),
    ))
    .await
    .unwrap();
    app.add_holding(add(
        "pepe",
        "123456789012.5",
        "Ledger",
        Some("0.0000086"),
        None,
    ))
    .await
    .unwrap();
    app.set_holding("ethereum", "1.5".parse().unwrap(), Some("+Kraken"))
        .await
        .unwrap();
}

#[tokio::test]
async fn export_then_import_into_a_new_vault_reproduces_the_ledger_exactly() {
    let temp = tempfile::tempdir().unwrap();
    let first = vault(&temp.path().join("a")).await;
    seed(&first).await;
    let ledger = export(&first, ExportWhat::Ledger).await;
    assert!(ledger.starts_with("time,account,coin,amount,kind,price,price_currency,note,id\n"));
    assert!(
        ledger.contains("'=HYPERLINK"),
        "formulas are defused: {ledger}"
    );
    assert!(ledger.contains("'+Kraken"));
    let file = write(temp.path(), "ledger.csv", ledger.as_bytes());

    let second = vault(&temp.path().join("b")).await;
    let report = second.import(&file, &options()).await.unwrap();
    assert_eq!((report.rows, report.imported, report.duplicates), (4, 4, 0));
    assert_eq!(report.assets["ethereum"].to_string(), "1.5");
    assert!(report.batch_id.is_some());
    assert_eq!(export(&second, ExportWhat::Ledger).await, ledger);
    assert_eq!(
        second.holdings().await.unwrap(),
        first.holdings().await.unwrap()
    );

    // The same file again, and into the vault it came from: nothing twice.
    let again = second.import(&file, &options()).await.unwrap();
    assert_eq!(
        (again.imported, again.duplicates, again.batch_id),
        (0, 4, None)
    );
    let home = first.import(&file, &options()).await.unwrap();
    assert_eq!(home.duplicates, 4);
}

#[tokio::test]
async fn an_import_is_one_undo_able_batch_and_a_dry_run_writes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let csv = "\u{feff}time,account,coin,amount,kind,price,price_currency,note,id\r\n\
               2024-01-02T03:04:05Z,Kraken,BTC,0.5,buy,42000,USD,,\r\n\
               2024-01-03 10:00:00,Kraken,eth,3,deposit,,,,\r\n\
               \r\n\
               2024-01-03 10:00:00,Kraken,eth,3,deposit,,,,\r\n";
    let file = write(temp.path(), "mine.csv", csv.as_bytes());
    let preview = app.import(&file, &dry(options())).await.unwrap();
    assert_eq!(
        (preview.rows, preview.imported, preview.batch_id),
        (3, 3, None)
    );
    assert_eq!(preview.assets["ethereum"].to_string(), "6");
    assert!(
        app.holdings().await.unwrap().is_empty(),
        "a dry run writes nothing"
    );

    let report = app.import(&file, &options()).await.unwrap();
    assert_eq!(report.imported, 3, "two identical rows are two entries");
    let holdings = app.holdings().await.unwrap();
    assert_eq!(holdings.len(), 2);
    assert_eq!(
        holdings[0].average_cost.map(|c| c.to_string()).as_deref(),
        Some("42000")
    );
    assert_eq!(app.import(&file, &options()).await.unwrap().duplicates, 3);
    app.undo(report.batch_id.unwrap()).await.unwrap();
    assert!(app.holdings().await.unwrap().is_empty());
}

#[tokio::test]
async fn bad_files_name_the_file_line_and_column_and_change_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    app.add_holding(holding("bitcoin", "1")).await.unwrap();
    let header = "time,account,coin,amount,kind,price,price_currency,note,id\n";
    let good = "2024-01-02T03:04:05Z,A,bitcoin,1,deposit,,,,\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", Vec::new(), "is empty"),
        (
            "binary.csv",
            vec![0xff, 0xfe, 0x00, 0x41, 0x0a, 0x00],
            "UTF-8",
        ),
        (
            "other.csv",
            b"Date,Sent Amount,Sent Currency\n2024-01-01,1,BTC\n".to_vec(),
            "not a layout this version knows",
        ),
        (
            "ragged.csv",
            format!("{header}{good}2024-01-02T03:04:05Z,A,bitcoin,1\n").into_bytes(),
            "line 3: the row has 4 fields but the header has 9",
        ),
        (
            "number.csv",
            format!("{header}{good}2024-01-02T03:04:05Z,A,bitcoin,1.5.5,deposit,,,,\n")
                .into_bytes(),
            "line 3, column amount",
        ),
        (
            "date.csv",
            format!("{header}{good}02/01/2024,A,bitcoin,1,deposit,,,,\n").into_bytes(),
            "line 3, column time",
        ),
        (
            "latin1.csv",
            [
                header.as_bytes(),
                b"2024-01-02T03:04:05Z,Caf\xe9,bitcoin,1,deposit,,,,\n",
            ]
            .concat(),
            "line 2",
        ),
        (
            "kind.csv",
            format!("{header}2024-01-02T03:04:05Z,A,bitcoin,1,gift,,,,\n").into_bytes(),
            "column kind",
        ),
    ];
    for (name, bytes, expected) in cases {
        let file = write(temp.path(), name, &bytes);
        let error = app.import(&file, &options()).await.expect_err(name);
        let message = error.to_string();
        assert!(message.contains(name), "{name}: {message}");
        assert!(message.contains(expected), "{name}: {message}");
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{name}");
    }
    let holdings = app.holdings().await.unwrap();
    assert_eq!(holdings.len(), 1, "nothing was written");
    let missing = app
        .import(&temp.path().join("nope.csv"), &options())
        .await
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::Storage);
}

#[tokio::test]
async fn unknown_symbols_are_reported_with_suggestions_and_resolved_by_a_mapping() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let csv = "time,account,coin,amount,kind,price,price_currency,note,id\n\
               2024-01-02T03:04:05Z,A,DOGGO,5,deposit,,,,\n\
               2024-01-02T03:04:05Z,A,sol,1,deposit,,,,\n";
    let file = write(temp.path(), "symbols.csv", csv.as_bytes());
    let preview = app.import(&file, &dry(options())).await.unwrap();
    assert_eq!(preview.unresolved.len(), 1);
    assert_eq!(preview.unresolved[0].symbol, "DOGGO");
    let error = app.import(&file, &options()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::AmbiguousCoin);
    assert!(error.to_string().contains("--map"), "{error}");
    assert!(app.holdings().await.unwrap().is_empty());

    let mapped = ImportOptions {
        maps: [("DOGGO".to_owned(), "dogecoin".to_owned())].into(),
        ..options()
    };
    let report = app.import(&file, &mapped).await.unwrap();
    assert_eq!(report.imported, 2);
    assert_eq!(report.assets["dogecoin"].to_string(), "5");
    let bad_map = ImportOptions {
        maps: [("DOGGO".to_owned(), "no-such-coin".to_owned())].into(),
        ..options()
    };
    assert_eq!(
        app.import(&file, &bad_map).await.unwrap_err().code(),
        ErrorCode::UnknownCoin
    );
}

#[tokio::test]
async fn a_preview_totals_every_known_leg_and_lists_the_entries_waiting_on_a_symbol() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    // A trade paid in a currency nobody can name yet: its bitcoin leg is known all the same.
    let csv = "time,account,coin,amount,kind,price,price_currency,note,id\n\
               2024-01-02T03:04:05Z,A,btc,1,buy,20000,QQQX,,t1\n\
               2024-01-02T03:04:05Z,A,QQQX,-20000,sell,,,,t2\n\
               2024-01-03T03:04:05Z,A,sol,3,deposit,,,,d1\n";
    let file = write(temp.path(), "trade.csv", csv.as_bytes());
    let preview = app.import(&file, &dry(options())).await.unwrap();
    assert_eq!(preview.assets["bitcoin"].to_string(), "1");
    assert_eq!(preview.assets["solana"].to_string(), "3");
    assert!(!preview.assets.keys().any(|coin| coin.as_str() == "qqqx"));
    let waiting = &preview.unresolved[0];
    assert_eq!(waiting.symbol.to_uppercase(), "QQQX");
    assert_eq!(
        (waiting.waiting, waiting.waiting_lines.clone()),
        (2, vec![2, 3])
    );
    assert!(
        app.import(&file, &options()).await.is_err(),
        "the import itself waits"
    );
}

#[tokio::test]
async fn holdings_export_is_a_spreadsheet_safe_snapshot() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    seed(&app).await;
    let csv = export(&app, ExportWhat::Holdings).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "account,coin,symbol,name,amount,average_cost,cost_currency"
    );
    assert!(
        lines.contains(&"'+Kraken,ethereum,eth,Ethereum,1.5,,"),
        "{csv}"
    );
    assert!(
        lines.contains(&"Ledger,bitcoin,btc,Bitcoin,0.123456789012345678,40000.5,usd"),
        "{csv}"
    );
}

#[tokio::test]
async fn a_koinly_file_becomes_legs_and_re_importing_it_adds_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let csv = "Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,Net Worth Currency,Label,Description,TxHash\n\
               2024-01-02 13:45 UTC,1000,USD,0.025,BTC,1.5,USD,1000,USD,,bought,0xabc\n\
               2024-01-05 08:00 UTC,,,0.1,SOL,,,17.25,USD,staking,,\n\
               2024-01-06 09:30:15 UTC,0.01,BTC,,,0.0001,BTC,,,,to cold storage,\n";
    let file = write(temp.path(), "koinly.csv", csv.as_bytes());
    let options = ImportOptions {
        account: Some("Koinly".into()),
        ..ImportOptions::default()
    };
    let report = app.import(&file, &options).await.unwrap();
    assert_eq!(
        report.format,
        crypto_balance_core::transfer::ImportFormat::Koinly
    );
    assert_eq!((report.rows, report.imported), (3, 6));
    assert_eq!(report.assets["bitcoin"].to_string(), "0.0149");
    assert_eq!(report.assets["usd"].to_string(), "-1001.5");
    assert_eq!(report.assets["solana"].to_string(), "0.1");
    let again = app.import(&file, &options).await.unwrap();
    assert_eq!((again.imported, again.duplicates), (0, 6));
    let holdings = app.holdings().await.unwrap();
    let btc = holdings.iter().find(|h| h.coin == "bitcoin").unwrap();
    assert_eq!(btc.account, "Koinly");
    assert_eq!(
        btc.average_cost.map(|c| c.to_string()).as_deref(),
        Some("40000")
    );
}

#[tokio::test]
async fn the_delta_sample_imports_and_bracketed_names_pick_the_coin() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let store = app.store().await.unwrap();
    sqlx::query("INSERT INTO assets (id, symbol, name, kind) VALUES ('solana-wormhole', 'sol', 'Solana (Wormhole)', 'coin')")
        .execute(store.pool())
        .await
        .unwrap();
    let sample = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/delta.csv"),
    )
    .unwrap();
    let file = write(temp.path(), "delta.csv", &sample);
    let preview = app.import(&file, &dry(options())).await.unwrap();
    assert_eq!(
        preview.format,
        crypto_balance_core::transfer::ImportFormat::Delta
    );
    assert!(preview.unresolved.is_empty(), "{:?}", preview.unresolved);
    assert_eq!((preview.rows, preview.imported), (5, 9));
    assert_eq!(preview.assets["ethereum"].to_string(), "10.88");
    assert_eq!(preview.assets["solana"].to_string(), "-100");
    assert_eq!(preview.assets["polkadot"].to_string(), "-0.101");
    assert_eq!(preview.assets["bitcoin"].to_string(), "-0.599");
    // "SOL (Solana Wormhole)": the bracketed name picks the other coin with that symbol.
    assert_eq!(preview.assets["solana-wormhole"].to_string(), "2");
    app.import(&file, &options()).await.unwrap();
    let accounts: Vec<String> = app
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(accounts, ["Binance", "MY_WALLET"]);
}

#[tokio::test]
async fn a_coins_entries_are_listed_newest_first_and_only_its_own() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    seed(&app).await;
    let removed = app.remove_holding("btc", Some("Ledger")).await.unwrap();
    let entries = app.coin_entries("btc", 10).await.unwrap();
    let seen: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e.account.clone(),
                e.kind.as_str().to_owned(),
                e.amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "Ledger".into(),
                "adjustment".into(),
                "-0.123456789012345678".into()
            ),
            ("Ledger".into(), "buy".into(), "0.123456789012345678".into()),
        ],
        "the removal is newest; ethereum and pepe are not listed"
    );
    assert_eq!(
        entries[1].price.map(|p| p.to_string()).as_deref(),
        Some("40000.5")
    );
    assert_eq!(app.coin_entries("btc", 1).await.unwrap().len(), 1);
    app.undo(removed.batch_id).await.unwrap();
    assert_eq!(
        app.coin_entries("btc", 10).await.unwrap().len(),
        1,
        "an undone change is gone"
    );
}
