//! Profit and loss over a real encrypted vault: a multi-year Coinbase export (the shared sample,
//! 2022 to 2025) worked by hand, the gains report and its CSV, the open lots, and the method
//! setting.

use crate::support::{fixture, write, TestApp};
use crypto_balance_core::app::{HistoryQuery, ProfitQuery};
use crypto_balance_core::lots::load::CostSettings;
use crypto_balance_core::lots::{Method, Scope};
use crypto_balance_core::settings::RatesSettingsChange;
use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::transfer::resolve::parse_map_arg;
use crypto_balance_core::{App, ErrorCode};
use rust_decimal::Decimal;

/// 2026-01-01T00:00:00Z: after every row of the sample.
const NOW: i64 = 1_767_225_600;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn year(y: i32) -> ProfitQuery {
    ProfitQuery {
        year: Some(y),
        ..ProfitQuery::default()
    }
}

async fn in_euros(dir: &std::path::Path) -> App {
    let app = TestApp::new().at(NOW).create(dir).await;
    let change = RatesSettingsChange {
        base_currency: Some("eur".into()),
        ..RatesSettingsChange::default()
    };
    app.update_rates_settings(&change).await.unwrap();
    app
}

async fn coinbase_sample(dir: &std::path::Path) -> App {
    let app = in_euros(dir).await;
    let options = ImportOptions {
        maps: [parse_map_arg("ETH2=ethereum").unwrap()]
            .into_iter()
            .collect(),
        ..ImportOptions::default()
    };
    app.import(&fixture("coinbase-2024.csv"), &options)
        .await
        .unwrap();
    app
}

// Worked by hand from the file (FIFO, per account, EUR):
// - 2022-03-25 buy 0.00166779 BTC for a 67.01 subtotal and a 2.99 fee: one lot costing 70.00.
// - 2024-12-05 convert 0.00363125 BTC to 156.145683 XRP, subtotal 338.92698. Only 0.00166779 BTC
//   was ever recorded: that part's proceeds are 338.92698 x 0.00166779 / 0.00363125 =
//   155.6651367915 (to 10 places), a gain of 85.6651367915 over 985 days; the other 0.00196346
//   has no recorded cost and is left out of the total. The XRP lot costs 338.92698.
// - 2025-01-07 ETH2 sent and ETH received, same second, same account: the received lot
//   (0.180914809326 x 3302.6508979077133026) leaves again with the send, without a gain.
// - 2025-01-17 staking income 0.000037835729 ETH at 3343.11229989: a lot costing 0.1264890910.
#[tokio::test]
async fn a_multi_year_coinbase_export_gives_the_figures_worked_by_hand() {
    let temp = tempfile::tempdir().unwrap();
    let app = coinbase_sample(temp.path()).await;

    let pl = app.profit_loss(&year(2024)).await.unwrap();
    assert_eq!((pl.method, pl.scope), (Method::Fifo, Scope::PerAccount));
    assert_eq!(pl.currency.to_string(), "eur");
    assert_eq!(pl.realized, dec("85.6651367915"));
    assert_eq!(pl.incomplete, 1);
    let coin = |id: &str| pl.coins.iter().find(|c| c.coin == id).unwrap().clone();
    assert_eq!(coin("bitcoin").realized, dec("85.6651367915"));
    assert_eq!(coin("ripple").cost_remaining, dec("338.92698"));
    assert_eq!(coin("ethereum").cost_remaining, dec("0.1264890910"));
    assert_eq!(coin("ripple").coin_label, "XRP (XRP)");
    assert_eq!(pl.cost_remaining, dec("339.0534690910"));
    assert_eq!(pl.accounts[0].account, "Coinbase");

    let earlier = app.profit_loss(&year(2022)).await.unwrap();
    assert_eq!((earlier.realized, earlier.incomplete), (Decimal::ZERO, 0));

    let gains = app.gains(&year(2024)).await.unwrap();
    assert_eq!(gains.rows.len(), 2);
    let first = &gains.rows[0];
    assert_eq!(first.amount.to_string(), "0.00166779");
    assert_eq!(first.proceeds, Some(dec("155.6651367915")));
    assert_eq!(first.cost, Some(dec("70")));
    assert_eq!(first.held_days, Some(985));
    assert_eq!(gains.rows[1].cost, None);
    assert_eq!((gains.gain, gains.incomplete), (dec("85.6651367915"), 1));
    assert_eq!(gains.years, [2024]);
    let other_year = app.gains(&year(2022)).await.unwrap();
    assert_eq!((other_year.rows.len(), other_year.years), (0, vec![2024]));

    let lots = app.coin_lots("xrp", None).await.unwrap();
    assert_eq!(lots.lots.len(), 1);
    assert_eq!(lots.lots[0].cost, Some(dec("338.92698")));
    assert_eq!(
        lots.lots[0].acquired_at.map(|t| t.to_string()),
        Some("2024-12-05T06:33:40Z".into())
    );
}

#[tokio::test]
async fn the_gains_report_is_written_as_csv_and_never_over_the_vault() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let app = coinbase_sample(&data).await;
    let out = temp.path().join("gains-2024.csv");
    assert_eq!(app.export_gains(&year(2024), &out).await.unwrap(), 2);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "disposed_at,coin,account,amount,proceeds,cost,gain,acquired_at,held_days,currency,method",
            "2024-12-05T06:33:40Z,bitcoin,Coinbase,0.00166779,155.6651367915,70,85.6651367915,2022-03-25T06:45:27Z,985,eur,fifo",
            "2024-12-05T06:33:40Z,bitcoin,Coinbase,0.00196346,183.2618432085,,,,,eur,fifo",
        ]
    );
    let vault_file = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_file())
        .unwrap();
    let before = std::fs::read(&vault_file).unwrap();
    let error = app
        .export_gains(&year(2024), &vault_file)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ProtectedPath);
    assert_eq!(std::fs::read(&vault_file).unwrap(), before);
    let error = app.gains(&year(1999)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
}

const HEADER: &str = "time,account,coin,amount,kind,price,price_currency,note,id\n";
// Issue 18's rows with a sale price: buy 1 @ 100, sell 0.5 @ 150, buy 1 @ 200.
const ROWS: [&str; 3] = [
    "2024-01-01T00:00:00Z,Kraken,bitcoin,1,buy,100,eur,,r1\n",
    "2024-02-01T00:00:00Z,Kraken,bitcoin,-0.5,sell,150,eur,,r2\n",
    "2024-03-01T00:00:00Z,Kraken,bitcoin,1,buy,200,eur,,r3\n",
];

#[tokio::test]
async fn every_method_gives_the_same_figures_for_rows_in_either_order() {
    let temp = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for (n, rows) in [ROWS.to_vec(), ROWS.iter().rev().copied().collect()]
        .into_iter()
        .enumerate()
    {
        let dir = temp.path().join(n.to_string());
        let app = in_euros(&dir).await;
        let file = write(
            temp.path(),
            "rows.csv",
            (HEADER.to_owned() + &rows.concat()).as_bytes(),
        );
        app.import(&file, &ImportOptions::default()).await.unwrap();
        let mut figures = Vec::new();
        for method in Method::ALL {
            let query = ProfitQuery {
                method: Some(method),
                ..ProfitQuery::default()
            };
            let pl = app.profit_loss(&query).await.unwrap();
            figures.push((method, pl.realized, pl.cost_remaining));
        }
        results.push(figures);
    }
    assert_eq!(results[0], results[1]);
    // The sale uses the January lot whatever the method: it is the only one then.
    assert!(results[0]
        .iter()
        .all(|(_, realized, left)| *realized == dec("25") && *left == dec("250")));
}

#[tokio::test]
async fn the_method_is_a_saved_setting() {
    let temp = tempfile::tempdir().unwrap();
    let app = in_euros(temp.path()).await;
    assert_eq!(app.cost_settings().await.unwrap(), CostSettings::default());
    let chosen = CostSettings {
        method: Method::Hifo,
        scope: Scope::Pooled,
    };
    app.set_cost_settings(chosen).await.unwrap();
    assert_eq!(app.cost_settings().await.unwrap(), chosen);
    let pl = app.profit_loss(&ProfitQuery::default()).await.unwrap();
    assert_eq!((pl.method, pl.scope), (Method::Hifo, Scope::Pooled));
}

/// Two coins in two accounts over three days, with a stored price for each coin on each day but
/// ethereum's last, and one complete snapshot recorded that day.
async fn two_accounts(dir: &std::path::Path) -> (App, i64) {
    const DAY: i64 = 86_400;
    let app = TestApp::new().at(NOW).create(dir).await;
    let today = NOW.div_euclid(DAY) * DAY;
    let day = |n: i64| crypto_balance_core::clock::iso8601(today - n * DAY + 3_600);
    let rows = format!(
        "time,account,coin,amount,kind,price,price_currency,note,id\n\
         {},Kraken,bitcoin,1,buy,100,usd,,b1\n\
         {},Ledger,ethereum,2,buy,10,usd,,e1\n",
        day(2),
        day(1),
    );
    let file = write(dir, "rows.csv", rows.as_bytes());
    app.import(&file, &ImportOptions::default()).await.unwrap();
    let store = app.store().await.unwrap();
    let prices = [
        ("bitcoin", 2, "100"),
        ("bitcoin", 1, "110"),
        ("bitcoin", 0, "120"),
        ("ethereum", 1, "10"),
    ];
    for (coin, back, price) in prices {
        sqlx::query(
            "INSERT INTO price_history (asset_id, vs_currency, at, price) VALUES (?, 'usd', ?, ?)",
        )
        .bind(coin)
        .bind(today - back * DAY)
        .bind(price)
        .execute(store.pool())
        .await
        .unwrap();
    }
    // The later snapshot lacks a price: the complete one stands for the day.
    for (at, total, missing) in [(today + 60, "999.5", 1), (today + 30, "145.25", 0)] {
        sqlx::query(
            "INSERT INTO snapshots (at, currency, total, missing_prices) VALUES (?, 'usd', ?, ?)",
        )
        .bind(at)
        .bind(total)
        .bind(missing)
        .execute(store.pool())
        .await
        .unwrap();
    }
    (app, today)
}

#[tokio::test]
async fn history_is_per_coin_and_account_and_fills_gaps_from_snapshots() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (app, today) = two_accounts(dir.path()).await;
    // "value/invested" per day, "gap" for a day without a value.
    let values = |days: &[crypto_balance_core::lots::history::DayValue]| {
        days.iter()
            .map(|d| {
                let value = d.value.map_or("gap".to_owned(), |v| v.to_string());
                format!("{value}/{}", d.invested)
            })
            .collect::<Vec<_>>()
    };
    let whole = app.daily_history(&HistoryQuery::default()).await.unwrap();
    assert_eq!(
        whole[0].day.seconds(),
        today - 2 * 86_400,
        "from the first entry"
    );
    // Ethereum has no price today: the day's last complete snapshot stands in.
    assert_eq!(values(&whole), ["100/100", "130/120", "145.25/120"]);

    let bitcoin = HistoryQuery {
        coin: Some("BTC".into()),
        ..HistoryQuery::default()
    };
    let days = app.daily_history(&bitcoin).await.unwrap();
    assert_eq!(values(&days), ["100/100", "110/100", "120/100"]);

    let ledger = HistoryQuery {
        account: Some("ledger".into()),
        ..HistoryQuery::default()
    };
    let days = app.daily_history(&ledger).await.unwrap();
    assert_eq!(
        days[0].day.seconds(),
        today - 86_400,
        "from the account's first entry"
    );
    assert_eq!(
        values(&days),
        ["20/20", "gap/20"],
        "one account's gap stays a gap: snapshots are of the whole portfolio"
    );

    let nobody = HistoryQuery {
        account: Some("Nowhere".into()),
        ..HistoryQuery::default()
    };
    let error = app.daily_history(&nobody).await.unwrap_err();
    assert!(
        error.to_string().contains("no account named 'Nowhere'"),
        "{error}"
    );
}
