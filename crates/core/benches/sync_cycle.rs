//! Backend cost of one sync cycle with 1,000 held coins (issue 4): wall time, CPU time of the
//! app's threads (Linux: /proc schedstat; the fake runs on its own thread and is not counted),
//! and CoinGecko calls. Each cycle starts from an empty freshness cache, as after a restart.
//! Then (issue 5) the time from rates stored to a fired alert handed to the notifier, with 1,000
//! rules: a cycle over fresh, already stored prices (no call) that fires one alert.
//!
//! Run: `cargo bench -p crypto-balance-core --bench sync_cycle`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]
#![allow(clippy::float_arithmetic)] // timing figures for people, not money

use std::sync::Arc;
use std::time::{Duration, Instant};

use coingecko_fake::{default_coins, FakeCoinGecko, FakeConfig, Market};
use crypto_balance_core::alerts::{AlertKind, NewAlert};
use crypto_balance_core::holdings::NewHolding;
use crypto_balance_core::ids::AccountId;
use crypto_balance_core::ledger::{self, BatchKind, EntryKind, NewEntry};
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::vault::{KdfParams, MemoryKeychain};
use crypto_balance_core::{App, AppConfig, Passphrase};

const COINS: usize = 1_000;
const CYCLES: u32 = 20;
const FAKE_THREAD: &str = "coingecko-fake";

/// CPU time of every thread of this process except the fake's, from /proc (nanoseconds).
fn app_cpu() -> Duration {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() == FAKE_THREAD {
            continue;
        }
        let schedstat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
        total += schedstat
            .split(' ')
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Duration::from_nanos(total)
}

fn main() {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(FAKE_THREAD.into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut market = Market::new(default_coins());
                market.generate(COINS);
                let config = FakeConfig {
                    coins: market.coins().cloned().collect(),
                    ..FakeConfig::default()
                };
                let fake = FakeCoinGecko::start(config, 0).await.unwrap();
                sender.send(fake.base_url()).unwrap();
                std::future::pending::<()>().await;
            });
        })
        .unwrap();
    let url = receiver.recv().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let passphrase = Passphrase::new("benchmark passphrase".into());
        let open = || {
            App::open(AppConfig {
                data_dir: Some(dir.path().to_path_buf()),
                keychain: Some(Arc::new(MemoryKeychain::default())),
                kdf: Some(KdfParams::insecure_for_tests()),
                coingecko: CoinGeckoOverrides { base_url: Some(url.clone()), ..CoinGeckoOverrides::default() },
                ..AppConfig::default()
            })
            .unwrap()
        };
        let app = open();
        app.create_vault(&passphrase, false).await.unwrap();
        app.refresh_rates().await.unwrap(); // the coin catalog
        app.add_holding(NewHolding {
            coin: "bitcoin".into(),
            amount: "1".parse().unwrap(),
            ..NewHolding::default()
        })
        .await
        .unwrap();
        let store = app.store().await.unwrap();
        let account: AccountId = sqlx::query_scalar("SELECT id FROM accounts LIMIT 1").fetch_one(store.pool()).await.unwrap();
        let entries: Vec<NewEntry> = (1..COINS)
            .map(|n| NewEntry {
                account_id: account,
                asset_id: format!("fakecoin-{n:05}"),
                amount: "1.5".parse().unwrap(),
                kind: EntryKind::Deposit,
                occurred_at: 0,
                price: None,
                note: None,
                source: format!("bench:{n}"),
                link: None,
            })
            .collect();
        ledger::write_batch(&store, BatchKind::Import, "bench", &entries, 0).await.unwrap();
        app.lock().await;

        let (mut wall, mut cpu, mut calls) = (Duration::ZERO, Duration::ZERO, 0u32);
        for _ in 0..CYCLES {
            // A fresh app: an empty freshness cache, so every cycle fetches every price.
            let app = open();
            app.unlock(Some(&passphrase)).await.unwrap();
            let (cpu_before, started) = (app_cpu(), Instant::now());
            let report = app.sync_cycle().await.unwrap();
            wall += started.elapsed();
            cpu += app_cpu() - cpu_before;
            calls += report.calls;
            assert_eq!(report.updated, COINS);
            app.lock().await;
        }
        println!(
            "sync cycle, {COINS} held coins: {:.1} ms wall, {:.1} ms backend CPU, {:.1} CoinGecko calls (mean of {CYCLES})",
            wall.as_secs_f64() * 1e3 / f64::from(CYCLES),
            cpu.as_secs_f64() * 1e3 / f64::from(CYCLES),
            f64::from(calls) / f64::from(CYCLES),
        );

        // Rates stored -> fired alert ready for the notifier, with 1,000 rules.
        let app = open();
        app.unlock(Some(&passphrase)).await.unwrap();
        let rule = |kind, coin: String, threshold: &str| {
            NewAlert::new(kind, Some(&coin), threshold.parse().unwrap())
        };
        app.add_alert(rule(AlertKind::PriceAbove, "bitcoin".into(), "1")).await.unwrap();
        for n in 1..COINS {
            let coin = format!("fakecoin-{n:05}");
            app.add_alert(rule(AlertKind::PriceBelow, coin, "0.000001")).await.unwrap();
        }
        app.refresh_rates().await.unwrap(); // prices stored; fresh for the next minute
        let store = app.store().await.unwrap();
        let (mut total, mut worst) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..CYCLES {
            sqlx::query("UPDATE alerts SET armed = 1").execute(store.pool()).await.unwrap();
            let started = Instant::now();
            let report = app.sync_cycle().await.unwrap();
            let took = started.elapsed();
            assert_eq!((report.calls, report.alerts_fired.len()), (0, 1));
            total += took;
            worst = worst.max(took);
        }
        println!(
            "rates stored -> alert ready to notify, 1,000 rules: {:.1} ms mean, {:.1} ms worst (of {CYCLES})",
            total.as_secs_f64() * 1e3 / f64::from(CYCLES),
            worst.as_secs_f64() * 1e3,
        );
    });
}
