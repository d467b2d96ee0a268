//! The sync loop's life in one place: unlocking through the `Refresher` starts it, locking stops
//! it first, and a second process on the same folder is told who refreshes.

use std::sync::Arc;
use std::time::Duration;

use coingecko_fake::FakeCoinGecko;
use crypto_balance_core::events::Event;
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::sync::{Refresher, SyncCommand, SyncState};
use crypto_balance_core::{App, ErrorCode};
use tokio::sync::broadcast::Receiver;

use crate::support::{hold, passphrase, TestApp, PASSPHRASE};

async fn next_rates(events: &mut Receiver<Event>) {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(Event::RatesUpdated(_)) = events.recv().await {
                return;
            }
        }
    })
    .await
    .expect("rates within 20 s");
}

/// The fake, an empty data folder, and the settings that send CoinGecko's calls to the fake.
async fn fake_and_folder() -> (FakeCoinGecko, tempfile::TempDir, CoinGeckoOverrides) {
    let fake = FakeCoinGecko::start_default().await.expect("fake");
    let overrides = CoinGeckoOverrides {
        base_url: Some(fake.base_url()),
        timeout: Some(Duration::from_secs(2)),
        ..CoinGeckoOverrides::default()
    };
    (fake, tempfile::tempdir().expect("temp dir"), overrides)
}

/// A new vault in `dir` whose refresher runs, with the app's events from before its creation.
async fn created(
    overrides: &CoinGeckoOverrides,
    dir: &std::path::Path,
) -> (Arc<App>, Refresher, Receiver<Event>) {
    let app = Arc::new(TestApp::new().coingecko(overrides.clone()).open(dir));
    let refresher = Refresher::new(app.clone());
    let events = app.subscribe();
    refresher
        .create_vault(&passphrase(PASSPHRASE), false)
        .await
        .expect("creates");
    (app, refresher, events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlock_starts_refreshing_and_lock_stops_it_first() {
    let (_fake, dir, overrides) = fake_and_folder().await;
    let (app, refresher, mut events) = created(&overrides, dir.path()).await;
    hold(&app, "bitcoin", "1").await;
    next_rates(&mut events).await;
    assert!(refresher.send(SyncCommand::RefreshNow).await, "a loop runs");

    // Another process on the same folder is told who refreshes, and refreshes nothing.
    let other_app = Arc::new(TestApp::new().coingecko(overrides).open(dir.path()));
    let other = Refresher::new(other_app.clone());
    other
        .unlock(Some(&passphrase(PASSPHRASE)))
        .await
        .expect("unlocks");
    let status = other.status().await;
    assert_eq!(status.state, SyncState::NeedsAttention);
    assert_eq!(status.error_code, Some(ErrorCode::Conflict));
    assert!(!other.send(SyncCommand::RefreshNow).await);
    other.shut_down().await;

    refresher.lock_now().await;
    assert_eq!(refresher.status().await.state, SyncState::Stopped);
    assert!(
        !refresher.send(SyncCommand::RefreshNow).await,
        "no loop after lock"
    );
    refresher
        .unlock(Some(&passphrase(PASSPHRASE)))
        .await
        .expect("unlocks");
    next_rates(&mut events).await;
    refresher.shut_down().await;
    assert!(refresher.loop_events().await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coin_added_without_a_price_is_priced_at_once() {
    let (_fake, dir, overrides) = fake_and_folder().await;
    let (app, refresher, mut events) = created(&overrides, dir.path()).await;
    next_rates(&mut events).await; // the first cycle; the next tick is minutes away
    hold(&app, "solana", "3").await;
    next_rates(&mut events).await;
    let valuation = app.valuation(None).await.expect("values");
    assert!(valuation.missing_prices.is_empty(), "{valuation:?}");
    assert_eq!(valuation.total.to_string(), "517.35");
    refresher.shut_down().await;
}
