//! Cost follows dates, not the order rows arrive in: a file listed newest first (Coinbase's are),
//! a file in order, and rows added later but dated earlier all give the same average cost.

use crate::support::{vault, write};
use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::App;

const HEADER: &str = "time,account,coin,amount,kind,price,price_currency,note,id\n";
// Issue 18's case: buy 1 @ 100, sell 0.5, buy 1 @ 200. In time order the pool keeps 0.5 at 100
// and adds 1 at 200: 250 for 1.5 units.
const BUY_JAN: &str = "2024-01-01T00:00:00Z,Kraken,bitcoin,1,buy,100,usd,,r1\n";
const SELL_FEB: &str = "2024-02-01T00:00:00Z,Kraken,bitcoin,-0.5,sell,,,,r2\n";
const BUY_MAR: &str = "2024-03-01T00:00:00Z,Kraken,bitcoin,1,buy,200,usd,,r3\n";

async fn average_cost(app: &App) -> String {
    let holdings = app.holdings().await.unwrap();
    holdings[0].average_cost.unwrap().round_dp(6).to_string()
}

async fn imported(rows: &[&str]) -> String {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let file = write(
        temp.path(),
        "rows.csv",
        (HEADER.to_owned() + &rows.concat()).as_bytes(),
    );
    app.import(&file, &ImportOptions::default()).await.unwrap();
    average_cost(&app).await
}

#[tokio::test]
async fn rows_newest_first_give_the_same_cost_as_rows_in_order() {
    let in_order = imported(&[BUY_JAN, SELL_FEB, BUY_MAR]).await;
    assert_eq!(in_order, "166.666667");
    assert_eq!(imported(&[BUY_MAR, SELL_FEB, BUY_JAN]).await, in_order);
    assert_eq!(imported(&[SELL_FEB, BUY_MAR, BUY_JAN]).await, in_order);
}

#[tokio::test]
async fn a_later_file_with_earlier_dates_replays_the_position_in_time_order() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let options = ImportOptions::default();
    let late = write(
        temp.path(),
        "late.csv",
        (HEADER.to_owned() + BUY_MAR).as_bytes(),
    );
    let early = write(
        temp.path(),
        "early.csv",
        (HEADER.to_owned() + BUY_JAN + SELL_FEB).as_bytes(),
    );
    let first = app.import(&late, &options).await.unwrap().batch_id.unwrap();
    let batch = app
        .import(&early, &options)
        .await
        .unwrap()
        .batch_id
        .unwrap();
    assert_eq!(average_cost(&app).await, "166.666667");
    // Undoing the earlier rows replays what is left, in time order too.
    app.undo(batch).await.unwrap();
    assert_eq!(average_cost(&app).await, "200");
    // A position left with no entry keeps a time, so no later open replays it again.
    app.undo(first).await.unwrap();
    let store = app.store().await.unwrap();
    let unordered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM balances WHERE last_at IS NULL")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(unordered, 0);
}

#[tokio::test]
async fn a_vault_folded_in_row_order_is_replayed_in_time_order_when_it_opens() {
    let temp = tempfile::tempdir().unwrap();
    let app = vault(temp.path()).await;
    let file = write(
        temp.path(),
        "rows.csv",
        (HEADER.to_owned() + BUY_MAR + SELL_FEB + BUY_JAN).as_bytes(),
    );
    app.import(&file, &ImportOptions::default()).await.unwrap();
    // What an earlier version stored: the fold in row order (133.33), with no time kept.
    let store = app.store().await.unwrap();
    sqlx::query("UPDATE balances SET cost_total = '200', last_at = NULL")
        .execute(store.pool())
        .await
        .unwrap();
    drop(store);
    app.lock().await;
    let reopened = crate::support::TestApp::new().open(temp.path());
    reopened
        .unlock(Some(&crate::support::passphrase(
            crate::support::PASSPHRASE,
        )))
        .await
        .unwrap();
    assert_eq!(average_cost(&reopened).await, "166.666667");
}

#[tokio::test]
async fn a_long_file_newest_first_is_replayed_once_and_costs_the_same() {
    // Three times the rows an import writes at once, so the later parts land before the earlier:
    // buys at 100, 101, … with a sale of half the holding in the middle.
    let mut rows = Vec::new();
    for n in 0..18_000u32 {
        let stamp = crypto_balance_core::clock::iso8601(1_600_000_000 + i64::from(n) * 60);
        let line = if n == 9_000 {
            format!("{stamp},Kraken,bitcoin,-4500,sell,,,,s{n}\n")
        } else {
            format!("{stamp},Kraken,bitcoin,1,buy,{},usd,,b{n}\n", 100 + n % 50)
        };
        rows.push(line);
    }
    let in_order = imported(&rows.iter().map(String::as_str).collect::<Vec<_>>()).await;
    rows.reverse();
    let newest_first = imported(&rows.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert_eq!(newest_first, in_order);
}

#[tokio::test]
async fn a_buy_entered_by_hand_with_its_date_lands_where_it_belongs() {
    use crypto_balance_core::clock::UnixTime;
    use crypto_balance_core::holdings::NewHolding;
    use crypto_balance_core::ErrorCode;

    let temp = tempfile::tempdir().unwrap();
    // The vault's clock: 2024-07-03, after every entry.
    let app = crate::support::TestApp::new()
        .at(1_720_000_000)
        .create(temp.path())
        .await;
    let buy = |amount: &str, price: &str, at: i64| NewHolding {
        coin: "bitcoin".into(),
        amount: amount.parse().unwrap(),
        account: Some("Kraken".into()),
        price: Some(price.parse().unwrap()),
        currency: Some("usd".into()),
        occurred_at: Some(UnixTime::from_seconds(at)),
        ..NewHolding::default()
    };
    let file = write(
        temp.path(),
        "later.csv",
        (HEADER.to_owned() + SELL_FEB + BUY_MAR).as_bytes(),
    );
    app.import(&file, &ImportOptions::default()).await.unwrap();
    // January's buy, typed in after the rest: the cost is the one the dates give.
    app.add_holding(buy("1", "100", 1_704_067_200))
        .await
        .unwrap();
    assert_eq!(average_cost(&app).await, "166.666667");

    let future = app
        .add_holding(buy("1", "1", 1_800_000_000))
        .await
        .unwrap_err();
    assert_eq!(future.code(), ErrorCode::InvalidInput);
    assert!(
        future.to_string().contains("2027-01-15 is in the future"),
        "{future}"
    );
    let ancient = app
        .add_holding(buy("1", "1", 1_000_000_000))
        .await
        .unwrap_err();
    assert!(
        ancient.to_string().contains("before 2009-01-03"),
        "{ancient}"
    );
}
