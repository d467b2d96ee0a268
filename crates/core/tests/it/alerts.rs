//! Alerts end to end: rules in the encrypted store, the real sync loop against `coingecko-fake`,
//! and a test notifier listening to the loop's events as the desktop app and the daemon do.

use std::sync::Arc;
use std::time::Duration;

use coingecko_fake::FakeCoinGecko;
use crypto_balance_core::alerts::{AlertChange, AlertKind, FiredAlert, NewAlert};
use crypto_balance_core::ids::AlertId;
use crypto_balance_core::sync::{AppCycle, SyncCommand, SyncEvent, SyncHandle, SyncLock};
use crypto_balance_core::{App, ErrorCode};
use tokio::sync::broadcast::Receiver;

use crate::support::{fresh_prices_from, hold, passphrase, TestApp, PASSPHRASE};

async fn app_with(fake: &FakeCoinGecko, dir: &std::path::Path) -> Arc<App> {
    let app = TestApp::new()
        .coingecko(fresh_prices_from(fake))
        .create(dir)
        .await;
    Arc::new(app)
}

fn alert(kind: AlertKind, coin: Option<&str>, threshold: &str) -> NewAlert {
    NewAlert::new(kind, coin, threshold.parse().unwrap())
}

/// The next cycle's fired alerts, as a notifier subscribed to the loop sees them.
async fn next_cycle(events: &mut Receiver<SyncEvent>) -> Vec<FiredAlert> {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .expect("a cycle within 10 s")
            .unwrap();
        if let SyncEvent::RatesUpdated(report) = event {
            return report.alerts_fired;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_crossing_reaches_the_notifier_exactly_once() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(&fake, dir.path()).await;
    app.add_alert(alert(AlertKind::PriceAbove, Some("btc"), "70000"))
        .await
        .unwrap();
    let handle = SyncHandle::spawn(
        AppCycle::new(app.clone()),
        SyncLock::acquire(dir.path()).unwrap(),
    );
    let mut events = handle.subscribe();
    let mut notified: Vec<FiredAlert> = next_cycle(&mut events).await; // 67,187: armed
                                                                       // Up through the line, then hovering and jittering inside the band, then above again.
    for price in ["70500", "70600", "69900", "70100", "71000"] {
        fake.set_price("bitcoin", "usd", price);
        handle.send(SyncCommand::RefreshNow).await;
        notified.extend(next_cycle(&mut events).await);
    }
    handle.stop().await;
    assert_eq!(notified.len(), 1, "{notified:?}");
    assert_eq!(notified[0].observed.to_string(), "70500");
    assert_eq!(notified[0].coin.as_deref(), Some("bitcoin"));
    // The bitcoin price was fetched for the alert alone: nobody holds any.
    assert!(fake.calls_to("/simple/price") >= 6);
    let history = app.alert_history(10).await.unwrap();
    assert_eq!(history.len(), 1);
    // The history and the notification name the coin and write both figures alike, in the
    // system's number format.
    let style = crypto_balance_core::numbers::NumberStyle::system();
    let (level, seen) = (style.money("70000", "usd"), style.money("70500", "usd"));
    let expected = format!("Bitcoin (BTC) is at or above {level}: {seen}");
    assert_eq!(history[0].message, expected);
    assert_eq!(notified[0].message, expected);
    assert_eq!(history[0].coin_label.as_deref(), Some("Bitcoin (BTC)"));
    let rules = app.alerts().await.unwrap();
    assert_eq!(
        rules[0].description,
        format!("Bitcoin (BTC) at or above {level}")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portfolio_rules_fire_on_the_total_and_a_restart_keeps_the_state() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(&fake, dir.path()).await;
    hold(&app, "eth", "10").await;
    app.add_alert(alert(AlertKind::PortfolioBelow, None, "30000"))
        .await
        .unwrap();
    assert!(app.sync_cycle().await.unwrap().alerts_fired.is_empty()); // 34,217.70
    fake.set_price("ethereum", "usd", "2900");
    let fired = app.sync_cycle().await.unwrap().alerts_fired;
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].observed.to_string(), "29000");
    // Restart: the saved state says this crossing already fired.
    app.lock().await;
    app.unlock(Some(&passphrase(PASSPHRASE))).await.unwrap();
    fake.set_price("ethereum", "usd", "2800");
    assert!(app.sync_cycle().await.unwrap().alerts_fired.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_alerts_stay_quiet_and_bad_rules_are_refused() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(&fake, dir.path()).await;
    let rule = app
        .add_alert(alert(AlertKind::PriceAbove, Some("bitcoin"), "70000"))
        .await
        .unwrap();
    let pause = AlertChange {
        paused: Some(true),
        ..AlertChange::default()
    };
    assert!(app.update_alert(rule.id, &pause).await.unwrap().paused);
    app.sync_cycle().await.unwrap();
    fake.set_price("bitcoin", "usd", "71000");
    assert!(app.sync_cycle().await.unwrap().alerts_fired.is_empty());
    // Resumed, but everything paused from the tray: still quiet.
    let resume = AlertChange {
        paused: Some(false),
        ..AlertChange::default()
    };
    app.update_alert(rule.id, &resume).await.unwrap();
    app.set_alerts_paused(true).await.unwrap();
    fake.set_price("bitcoin", "usd", "60000");
    app.sync_cycle().await.unwrap();
    fake.set_price("bitcoin", "usd", "72000");
    assert!(app.sync_cycle().await.unwrap().alerts_fired.is_empty());
    // Alerts back on: the next crossing fires.
    app.set_alerts_paused(false).await.unwrap();
    fake.set_price("bitcoin", "usd", "60000");
    app.sync_cycle().await.unwrap();
    fake.set_price("bitcoin", "usd", "73000");
    assert_eq!(app.sync_cycle().await.unwrap().alerts_fired.len(), 1);

    let cases = [
        (
            alert(AlertKind::PriceAbove, Some("no-such-coin"), "1"),
            ErrorCode::UnknownCoin,
        ),
        // Text that cannot be an id is still a coin the person named: unknown, not missing.
        (
            alert(AlertKind::PriceAbove, Some("bit coin"), "1"),
            ErrorCode::UnknownCoin,
        ),
        (
            alert(AlertKind::PriceAbove, Some("bitcoin"), "-5"),
            ErrorCode::InvalidInput,
        ),
        // Issue 17: levels near Decimal::MAX made evaluation panic; they are refused at entry.
        (
            alert(
                AlertKind::PriceAbove,
                Some("bitcoin"),
                "79228162514264337593543950335",
            ),
            ErrorCode::InvalidInput,
        ),
        (
            alert(AlertKind::PortfolioBelow, None, "1000000000000000000000001"),
            ErrorCode::InvalidInput,
        ),
        (
            alert(AlertKind::ChangeUp, Some("bitcoin"), "1500"),
            ErrorCode::InvalidInput,
        ),
        (
            alert(AlertKind::PriceAbove, None, "5"),
            ErrorCode::InvalidInput,
        ),
        (
            alert(AlertKind::PortfolioAbove, Some("bitcoin"), "5"),
            ErrorCode::InvalidInput,
        ),
        (
            alert(AlertKind::PriceAbove, Some("btc"), "70000.0"),
            ErrorCode::Conflict,
        ),
    ];
    for (new, code) in cases {
        let error = app.add_alert(new.clone()).await.expect_err("refused");
        assert_eq!(error.code(), code, "{new:?}: {error}");
    }
    let mut currency = alert(AlertKind::PriceAbove, Some("bitcoin"), "1");
    currency.currency = Some("doubloons".into());
    assert_eq!(
        app.add_alert(currency).await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        app.alerts().await.unwrap().len(),
        1,
        "nothing else was saved"
    );
    assert_eq!(
        app.delete_alert(AlertId::new(99)).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn a_new_rule_is_armed_from_the_last_known_price_so_the_next_refresh_can_fire_it() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(&fake, dir.path()).await;
    hold(&app, "solana", "3").await;
    app.sync_cycle().await.unwrap(); // solana at 172.45 is stored
    let below = app
        .add_alert(alert(AlertKind::PriceAbove, Some("sol"), "180"))
        .await
        .unwrap();
    let already_past = app
        .add_alert(alert(AlertKind::PriceAbove, Some("sol"), "170"))
        .await
        .unwrap();
    fake.set_price("solana", "usd", "181.5");
    let report = app.sync_cycle().await.unwrap();
    let fired: Vec<AlertId> = report.alerts_fired.iter().map(|f| f.alert_id).collect();
    assert_eq!(
        fired,
        [below.id],
        "the first refresh after creation fires the rule that was below its line, not the one already past it ({already_past:?})"
    );
}
