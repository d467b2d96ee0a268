//! Alerts beyond the desktop against local stand-ins for ntfy and a webhook receiver: delivered
//! by the sync loop's companion task, signed, retried on 5xx and silence, private when asked,
//! and every attempt in the log.

use std::sync::Arc;
use std::time::Duration;

use coingecko_fake::FakeCoinGecko;
use crypto_balance_core::alerts::{AlertKind, FiredAlert, NewAlert};
use crypto_balance_core::clock::UnixTime;
use crypto_balance_core::currency::Currency;
use crypto_balance_core::events::Event;
use crypto_balance_core::ids::AlertId;
use crypto_balance_core::notify::{ChannelKind, ChannelsChange, Outcome, Policy};
use crypto_balance_core::sync::{Refresher, SyncCommand};
use crypto_balance_core::{App, ErrorCode};
use notify_fake::{Failure, Receivers};

use crate::support::{fresh_prices_from, TestApp};

fn quick() -> Policy {
    Policy {
        attempts: 3,
        first_delay: Duration::from_millis(20),
        timeout: Duration::from_millis(400),
    }
}

async fn app_with(fake: &FakeCoinGecko, dir: &std::path::Path) -> Arc<App> {
    let app = TestApp::new()
        .delivery(quick())
        .coingecko(fresh_prices_from(fake))
        .create(dir)
        .await;
    Arc::new(app)
}

/// Both channels set up against `receivers`; the webhook's secret handed to the receiver.
async fn channels(app: &App, receivers: &Receivers) {
    let made = app
        .update_alert_channels(&ChannelsChange {
            ntfy_url: Some(receivers.ntfy_url("my-topic")),
            ntfy_token: Some("tk_topic".into()),
            webhook_url: Some(receivers.webhook_url()),
            privacy: None,
        })
        .await
        .unwrap()
        .expect("a new signing secret, shown once");
    receivers.set_webhook_secret(&made);
    receivers.require_ntfy_token("tk_topic");
    let kept = app.webhook_secret().await.unwrap();
    assert_eq!(kept.as_deref().map(String::as_str), Some(made.as_str()));
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fired_alert_reaches_ntfy_and_a_signed_webhook() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    let receivers = Receivers::start("unset").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(&fake, dir.path()).await;
    channels(&app, &receivers).await;
    let shown = app.alert_channels().await.unwrap();
    assert!(shown.has_ntfy_token && !shown.privacy);
    assert_eq!(
        shown.webhook_url.as_deref(),
        Some(receivers.webhook_url().as_str())
    );

    app.add_alert(NewAlert::new(
        AlertKind::PriceAbove,
        Some("btc"),
        "70000".parse().unwrap(),
    ))
    .await
    .unwrap();
    let mut events = app.subscribe();
    let refresher = Refresher::new(app.clone());
    refresher.start().await;
    // The first cycle (67,187) arms the rule; the second crosses it.
    loop {
        if let Event::RatesUpdated(_) = events.recv().await.unwrap() {
            break;
        }
    }
    fake.set_price("bitcoin", "usd", "70500");
    refresher.send(SyncCommand::RefreshNow).await;
    until("both deliveries", || {
        receivers.ntfy_messages().len() == 1 && receivers.webhook_calls().len() == 1
    })
    .await;
    // Each delivery is logged once its answer is in, a moment after the receiver saw it.
    let mut log = Vec::new();
    for _ in 0..200 {
        log = app.alert_deliveries(10).await.unwrap();
        if log.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    refresher.stop().await;

    let ntfy = &receivers.ntfy_messages()[0];
    assert_eq!(ntfy.topic, "my-topic");
    assert_eq!(ntfy.title.as_deref(), Some("Crypto Balance"));
    assert_eq!(ntfy.authorization.as_deref(), Some("Bearer tk_topic"));
    assert!(
        ntfy.body.starts_with("Bitcoin (BTC) is at or above"),
        "{}",
        ntfy.body
    );
    let call = &receivers.webhook_calls()[0];
    assert!(call.signature_valid, "the receiver checked the HMAC");
    assert_eq!(call.body["event"], "alert_fired");
    assert_eq!(call.body["kind"], "price_above");
    assert_eq!(call.body["observed"], "70500");
    assert_eq!(call.body["threshold"], "70000");
    assert_eq!(call.body["message"], ntfy.body.as_str());

    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log
        .iter()
        .all(|d| d.outcome == Outcome::Sent && d.attempt == 1));
}

fn fired(kind: AlertKind) -> FiredAlert {
    FiredAlert {
        alert_id: AlertId::new(7),
        kind,
        coin: crypto_balance_core::coin::CoinId::parse("bitcoin"),
        coin_label: Some("Bitcoin (BTC)".into()),
        account: None,
        currency: Currency::usd(),
        threshold: "70000".parse().unwrap(),
        observed: "70123.45".parse().unwrap(),
        at: UnixTime::from_seconds(1_800_000_000),
        message: "Bitcoin (BTC) is at or above 70,000.00 USD: 70,123.45 USD".into(),
        note: None,
        channels: None,
    }
}

#[tokio::test]
async fn failures_are_retried_with_backoff_and_logged() {
    let receivers = Receivers::start("unset").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::new().delivery(quick()).create(dir.path()).await;
    assert_eq!(
        app.send_test_alert().await.unwrap_err().code(),
        ErrorCode::InvalidInput,
        "no channel yet"
    );
    app.update_alert_channels(&ChannelsChange {
        ntfy_url: Some(receivers.ntfy_url("t")),
        ..ChannelsChange::default()
    })
    .await
    .unwrap();

    // A 500, then no answer past the timeout, then through.
    receivers.fail_next(&[
        Failure::Status(500),
        Failure::Silence(Duration::from_secs(2)),
    ]);
    let log = app.send_test_alert().await.unwrap();
    let tries: Vec<_> = log
        .iter()
        .rev()
        .map(|d| (d.attempt, d.outcome, d.detail.clone()))
        .collect();
    assert_eq!(tries[0], (1, Outcome::Retrying, Some("HTTP 500".into())));
    assert_eq!(tries[1].1, Outcome::Retrying);
    assert!(
        tries[1].2.as_deref().unwrap_or("").contains("no answer"),
        "{tries:?}"
    );
    assert_eq!(tries[2], (3, Outcome::Sent, None));
    assert_eq!(receivers.ntfy_messages().len(), 1);
    assert!(receivers.ntfy_messages()[0].body.contains("test message"));

    // Three 503s: given up after the third. A 404 is not retried at all.
    receivers.fail_next(&[Failure::Status(503); 3]);
    app.deliver_alert(&fired(AlertKind::PriceAbove))
        .await
        .unwrap();
    let last = &app.alert_deliveries(1).await.unwrap()[0];
    assert_eq!((last.attempt, last.outcome), (3, Outcome::Failed));
    assert_eq!(last.alert_id, Some(AlertId::new(7)));
    let before = receivers.requests();
    receivers.fail_next(&[Failure::Status(404)]);
    app.deliver_alert(&fired(AlertKind::PriceAbove))
        .await
        .unwrap();
    assert_eq!(receivers.requests(), before + 1);
    let last = &app.alert_deliveries(1).await.unwrap()[0];
    assert_eq!((last.attempt, last.outcome), (1, Outcome::Failed));
    assert_eq!(last.detail.as_deref(), Some("HTTP 404"));

    let bad = app
        .update_alert_channels(&ChannelsChange {
            webhook_url: Some("ftp://example.org/hook".into()),
            ..ChannelsChange::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn privacy_mode_sends_no_amounts_and_a_wrong_secret_is_caught() {
    let receivers = Receivers::start("unset").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::new().delivery(quick()).create(dir.path()).await;
    channels(&app, &receivers).await;
    app.update_alert_channels(&ChannelsChange {
        privacy: Some(true),
        ..ChannelsChange::default()
    })
    .await
    .unwrap();
    app.deliver_alert(&fired(AlertKind::PriceAbove))
        .await
        .unwrap();
    let text = &receivers.ntfy_messages()[0].body;
    assert_eq!(text, "Bitcoin (BTC) rose to your alert level");
    assert!(!text.chars().any(|c| c.is_ascii_digit()));
    let call = &receivers.webhook_calls()[0];
    assert!(call.signature_valid);
    assert_eq!(
        call.body["message"],
        "Bitcoin (BTC) rose to your alert level"
    );
    for hidden in ["observed", "threshold", "currency"] {
        assert!(
            call.body.get(hidden).is_none(),
            "{hidden} sent: {}",
            call.body
        );
    }
    assert!(!call.body.to_string().contains("70"), "{}", call.body);

    // A receiver holding another secret refuses the body; that is not retried.
    receivers.set_webhook_secret("someone else's secret");
    app.deliver_alert(&fired(AlertKind::PortfolioBelow))
        .await
        .unwrap();
    let calls = receivers.webhook_calls();
    assert!(!calls[1].signature_valid);
    let log = app.alert_deliveries(10).await.unwrap();
    let webhook = log
        .iter()
        .find(|d| d.channel == ChannelKind::Webhook)
        .unwrap();
    assert_eq!(webhook.detail.as_deref(), Some("HTTP 401"));
    assert_eq!(webhook.message, "Your portfolio fell to your alert level");
}

#[tokio::test]
async fn a_rule_can_name_its_channels() {
    let receivers = Receivers::start("unset").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::new().delivery(quick()).create(dir.path()).await;
    channels(&app, &receivers).await;
    let only_webhook = FiredAlert {
        channels: Some(vec![ChannelKind::Webhook]),
        ..fired(AlertKind::PriceAbove)
    };
    app.deliver_alert(&only_webhook).await.unwrap();
    assert_eq!(receivers.webhook_calls().len(), 1);
    assert_eq!(receivers.ntfy_messages().len(), 0);
    let desktop_only = FiredAlert {
        channels: Some(Vec::new()),
        ..fired(AlertKind::PriceAbove)
    };
    app.deliver_alert(&desktop_only).await.unwrap();
    assert_eq!(receivers.requests(), 1, "nothing more was sent");

    // Stored with the rule and carried by what it fires.
    let rule = app
        .add_alert(NewAlert {
            channels: Some(vec![
                ChannelKind::Webhook,
                ChannelKind::Ntfy,
                ChannelKind::Webhook,
            ]),
            ..NewAlert::new(AlertKind::PortfolioAbove, None, rust_decimal::Decimal::ONE)
        })
        .await
        .unwrap();
    assert_eq!(
        rule.channels,
        Some(vec![ChannelKind::Ntfy, ChannelKind::Webhook])
    );
    let listed = app.alerts().await.unwrap();
    assert_eq!(listed[0].channels, rule.channels);
}
