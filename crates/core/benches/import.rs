//! Import benchmark (issue 6): a 100,000-row native CSV, parse to commit into the encrypted store
//! (target: <= 1 s). Prints the wall time of each of three runs, each into a fresh vault.
//!
//! Run: `cargo bench -p crypto-balance-core --bench import`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]
#![allow(clippy::float_arithmetic)] // timing figures for people, not money

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::vault::{KdfParams, MemoryKeychain};
use crypto_balance_core::{App, AppConfig, Passphrase};

const ROWS: usize = 100_000;
const COINS: [&str; 10] = [
    "bitcoin",
    "ethereum",
    "solana",
    "cardano",
    "ripple",
    "dogecoin",
    "polkadot",
    "litecoin",
    "chainlink",
    "stellar",
];

fn main() {
    let temp = tempfile::tempdir().unwrap();
    let mut csv = String::from("time,account,coin,amount,kind,price,price_currency,note,id\n");
    for n in 0..ROWS {
        let day = 1_600_000_000 + i64::try_from(n).unwrap() * 60;
        let time = crypto_balance_core::clock::iso8601(day);
        let coin = COINS[n % COINS.len()];
        let account = ["Kraken", "Ledger", "Coinbase"][n % 3];
        if n % 2 == 0 {
            writeln!(
                csv,
                "{time},{account},{coin},0.{n:06}123456789,buy,{}.25,usd,,",
                100 + n % 900
            )
            .unwrap();
        } else {
            writeln!(csv, "{time},{account},{coin},1.5,deposit,,,note {n},").unwrap();
        }
    }
    let file = temp.path().join("100k.csv");
    std::fs::write(&file, csv).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for run in 1..=3 {
            let app = App::open(AppConfig {
                data_dir: Some(temp.path().join(format!("vault-{run}"))),
                keychain: Some(Arc::new(MemoryKeychain::default())),
                kdf: Some(KdfParams::insecure_for_tests()),
                ..AppConfig::default()
            })
            .unwrap();
            app.create_vault(&Passphrase::new("benchmark passphrase".into()), false)
                .await
                .unwrap();
            let started = Instant::now();
            let dry = ImportOptions {
                dry_run: true,
                ..ImportOptions::default()
            };
            let _ = app.import(&file, &dry).await.unwrap();
            println!(
                "preview (dry run, written then rolled back) of {ROWS} rows: {:.2} s",
                started.elapsed().as_secs_f64()
            );
            let started = Instant::now();
            let report = app.import(&file, &ImportOptions::default()).await.unwrap();
            let took = started.elapsed();
            assert_eq!(report.imported, u64::try_from(ROWS).unwrap());
            println!(
                "import {ROWS} native rows into the encrypted store: {:.2} s (run {run})",
                took.as_secs_f64()
            );
            app.lock().await;
        }
    });
}
