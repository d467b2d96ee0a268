//! Lot engine benchmark (issue 18): 100,000 entries across 1,000 coins and five accounts, by each
//! method (target: <= 100 ms); and daily net worth over five years for 100 coins (target:
//! <= 200 ms).
//!
//! Run: `cargo bench -p crypto-balance-core --bench lots`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed expectation is a failed test

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use crypto_balance_core::ids::AccountId;
use crypto_balance_core::ledger::EntryKind;
use crypto_balance_core::lots::history::daily;
use crypto_balance_core::lots::load::DailyPrices;
use crypto_balance_core::lots::{book, LotEntry, Method, Scope};
use crypto_balance_core::Amount;
use rust_decimal::Decimal;

const ENTRIES: usize = 100_000;
const COINS: usize = 1_000;
const ACCOUNTS: i64 = 5;
/// 2021-01-01T00:00:00Z.
const START: i64 = 1_609_459_200;

/// Five years of a busy ledger: per coin, buys and sells at varying prices, a withdrawal to
/// another account and its deposit an hour later, and a coin fee now and then.
fn ledger() -> Vec<LotEntry> {
    let mut entries = Vec::with_capacity(ENTRIES);
    let mut id = 0i64;
    let mut push =
        |at: i64, account: i64, coin: usize, qty: Decimal, kind, value: Option<Decimal>| {
            id += 1;
            entries.push(LotEntry {
                id,
                at,
                account: AccountId::new(account),
                asset: format!("coin-{coin:04}"),
                fiat: false,
                amount: Amount::from_decimal(qty).unwrap(),
                kind,
                value,
                link: None,
            });
        };
    let per_coin = ENTRIES / COINS;
    for coin in 0..COINS {
        let account = 1 + (coin as i64 % ACCOUNTS);
        for n in 0..per_coin - per_coin / 10 {
            let at = START + (n as i64 * 5 * 365 * 86_400) / per_coin as i64 + coin as i64;
            let price = Decimal::new(1_000 + ((n * 37 + coin) % 500) as i64, 2);
            let qty = Decimal::new(1 + (n % 7) as i64, 1);
            match n % 10 {
                0..=4 => push(at, account, coin, qty, EntryKind::Buy, Some(qty * price)),
                5..=6 => push(
                    at,
                    account,
                    coin,
                    -qty / Decimal::TWO,
                    EntryKind::Sell,
                    Some(qty * price / Decimal::TWO),
                ),
                7 => {
                    push(at, account, coin, -qty, EntryKind::Withdrawal, None);
                    let arrived = qty - qty / Decimal::ONE_HUNDRED;
                    let to = 1 + account % ACCOUNTS;
                    push(at + 3_600, to, coin, arrived, EntryKind::Deposit, None);
                }
                8 => push(at, account, coin, qty, EntryKind::Buy, Some(qty * price)),
                _ => push(at, account, coin, Decimal::new(-1, 3), EntryKind::Fee, None),
            }
        }
    }
    entries
}

fn engine(c: &mut Criterion) {
    let entries = ledger();
    let sample = book(&entries, Method::Fifo, Scope::PerAccount).unwrap();
    assert!(sample.transfers > 0 && !sample.disposals.is_empty());
    let mut group = c.benchmark_group("lots");
    group.sample_size(20);
    for method in Method::ALL {
        group.bench_function(
            format!("100k entries, 1k coins, {}", method.as_str()),
            |b| b.iter(|| book(black_box(&entries), method, Scope::PerAccount).unwrap()),
        );
    }
    group.bench_function("100k entries, 1k coins, fifo pooled", |b| {
        b.iter(|| book(black_box(&entries), Method::Fifo, Scope::Pooled).unwrap())
    });
    group.finish();
}

/// Five years of 100 coins: a buy or sale of each every ten days, and a price for every day.
fn net_worth(c: &mut Criterion) {
    const DAYS: i64 = 5 * 365;
    const HELD: usize = 100;
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    for coin in 0..HELD {
        let asset = format!("coin-{coin:03}");
        for day in 0..DAYS {
            let price = Decimal::new(1_000 + (day * 7 + coin as i64) % 900, 2);
            rows.push((asset.clone(), START + day * 86_400, price));
            if day % 10 == 0 {
                let sell = day % 30 == 20;
                let qty = Decimal::new(if sell { -5 } else { 10 }, 1);
                entries.push(LotEntry {
                    id: entries.len() as i64 + 1,
                    at: START + day * 86_400 + 3_600,
                    account: AccountId::new(1),
                    asset: asset.clone(),
                    fiat: false,
                    amount: Amount::from_decimal(qty).unwrap(),
                    kind: if sell {
                        EntryKind::Sell
                    } else {
                        EntryKind::Buy
                    },
                    value: Some(qty.abs() * price),
                    link: None,
                });
            }
        }
    }
    let prices = DailyPrices::from_rows(rows);
    let now = START + DAYS * 86_400 - 1;
    let days = daily(&entries, &prices, "usd", None, now).unwrap();
    assert_eq!(days.len(), DAYS as usize);
    assert!(days.iter().all(|d| d.value.is_some()));
    let mut group = c.benchmark_group("net worth");
    group.sample_size(20);
    group.bench_function("5 years x 100 coins, daily", |b| {
        b.iter(|| daily(black_box(&entries), &prices, "usd", None, now).unwrap())
    });
    group.finish();
}

criterion_group!(benches, engine, net_worth);
criterion_main!(benches);
