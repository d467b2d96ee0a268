//! A coin the local catalog does not know yet: looked up on CoinGecko once, on demand, before
//! any sync; offline, the error says the catalog was never downloaded and what to run.

use std::time::Duration;

use coingecko_fake::{Coin, FakeCoinGecko, FakeConfig};
use crypto_balance_core::alerts::{AlertKind, NewAlert};
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::ErrorCode;

use crate::support::{holding, TestApp};

fn nexa() -> Coin {
    Coin::new("nexa", "nexa", "Nexa", Some(400), Some("0.0000052"))
}

/// A new vault, unlocked, whose CoinGecko is at `url`, with no sync run yet.
async fn app_asking(url: String, dir: &std::path::Path) -> crypto_balance_core::App {
    TestApp::new()
        .coingecko(CoinGeckoOverrides {
            base_url: Some(url),
            timeout: Some(Duration::from_secs(2)),
            ..CoinGeckoOverrides::default()
        })
        .create(dir)
        .await
}

#[tokio::test]
async fn a_coin_the_catalog_lacks_is_looked_up_once_before_any_sync() {
    let fake = FakeCoinGecko::start(FakeConfig::default(), 0)
        .await
        .expect("fake starts");
    fake.add_coin(nexa());
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app_asking(fake.base_url(), dir.path()).await;

    let added = app
        .add_holding(holding("nexa", "1000"))
        .await
        .expect("adds");
    assert_eq!((added.coin.as_str(), added.looked_up), ("nexa", true));
    // Known from then on, by symbol too: no second question to CoinGecko.
    let again = app.add_holding(holding("NEXA", "5")).await.expect("adds");
    assert!(!again.looked_up);
    let alert = NewAlert::new(
        AlertKind::PriceAbove,
        Some("nexa"),
        rust_decimal::Decimal::ONE,
    );
    app.add_alert(alert).await.expect("an alert on it too");
    assert_eq!(fake.calls_to("/search"), 1);

    // A coin CoinGecko does not know either stays unknown, with the usual message.
    let error = app
        .add_holding(holding("no-such-coin", "1"))
        .await
        .expect_err("unknown");
    assert_eq!(error.code(), ErrorCode::UnknownCoin);
    assert!(
        error.to_string().contains("unknown coin 'no-such-coin'"),
        "{error}"
    );
}

#[tokio::test]
async fn offline_before_the_catalog_was_downloaded_the_error_says_what_to_run() {
    // Nothing listens on the fake's port once it is gone.
    let fake = FakeCoinGecko::start(FakeConfig::default(), 0)
        .await
        .expect("fake starts");
    let gone = fake.base_url();
    drop(fake);
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app_asking(gone, dir.path()).await;
    let error = app
        .add_holding(holding("nexa", "1"))
        .await
        .expect_err("cannot be found offline");
    assert_eq!(error.code(), ErrorCode::UnknownCoin);
    let message = error.to_string();
    assert!(
        message.contains("catalog has not been downloaded yet"),
        "{message}"
    );
    assert!(message.contains("crypto-balance sync"), "{message}");
    // Seeded coins still resolve offline.
    app.add_holding(holding("bitcoin", "1"))
        .await
        .expect("bitcoin is seeded");
}
