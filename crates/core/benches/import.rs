//! Import benchmark (issues 6 and 18): a 100,000-row native CSV, parse to commit into the encrypted
//! store (target: <= 1 s), beside its floor: a raw SQLite insert of the same rows into a copy of
//! the entries table (same columns, constraints and indexes), in one transaction, in the same
//! vault (target: the import <= 3x it). Prints each of three runs, each into a fresh vault. The
//! CLI's end to end time, unlock included, is `scripts/bench-import 100000`.
//!
//! Run: `cargo bench -p crypto-balance-core --bench import`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed set-up ends the run
#![allow(clippy::print_stdout, clippy::print_stderr)] // the figures are the output
#![allow(clippy::float_arithmetic)] // timing figures for people, not money

mod support;

use std::fmt::Write as _;
use std::time::Instant;

use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::{App, AppConfig};

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
            let vault = temp.path().join(format!("vault-{run}"));
            let app = support::created_app(vault, AppConfig::default()).await;
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
            let raw = raw_insert(&app).await;
            println!(
                "raw SQLite insert of the same rows: {:.2} s; the import takes {:.1}x",
                raw.as_secs_f64(),
                took.as_secs_f64() / raw.as_secs_f64()
            );
            app.lock().await;
        }
    });
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// Inserts the imported rows again, as they are stored, into a fresh copy of `entries` with its
/// indexes: what SQLite itself needs to write them, bound and batched as the import binds them.
async fn raw_insert(app: &App) -> std::time::Duration {
    use sqlx::QueryBuilder;
    let store = app.store().await.unwrap();
    let pool = store.pool();
    let schema: Vec<String> = sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'entries' AND sql IS NOT NULL",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for sql in schema {
        let copy = sql
            .replace("TABLE entries", "TABLE raw_entries")
            .replace("INDEX entries_", "INDEX raw_entries_")
            .replace("ON entries", "ON raw_entries");
        sqlx::query(&copy).execute(pool).await.unwrap();
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT batch_id, account_id, asset_id, amount, kind, occurred_at, price, \
         price_currency, note, source, link FROM entries",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let started = Instant::now();
    let mut tx = pool.begin().await.unwrap();
    for chunk in rows.chunks(2_900) {
        let mut insert = QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO raw_entries (batch_id, account_id, asset_id, amount, kind, occurred_at, \
             price, price_currency, note, source, link) ",
        );
        insert.push_values(chunk, |mut row, r| {
            row.push_bind(r.0)
                .push_bind(r.1)
                .push_bind(r.2.as_str())
                .push_bind(r.3.as_str())
                .push_bind(r.4.as_str())
                .push_bind(r.5)
                .push_bind(r.6.as_deref())
                .push_bind(r.7.as_deref())
                .push_bind(r.8.as_deref())
                .push_bind(r.9.as_str())
                .push_bind(r.10.as_deref());
        });
        insert
            .build()
            .persistent(chunk.len() == 2_900)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    started.elapsed()
}
