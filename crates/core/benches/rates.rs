//! Rates benchmarks (issue 4): parsing a 1,000-coin `/simple/price` answer with every digit kept,
//! and valuing 10,000 holdings over 1,000 coins (target: <= 5 ms).
//!
//! Run: `cargo bench -p crypto-balance-core --bench rates`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed expectation is a failed test

use std::collections::HashSet;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use crypto_balance_core::coin::CoinId;
use crypto_balance_core::holdings::Holding;
use crypto_balance_core::rates::response::parse_simple_price;
use crypto_balance_core::rates::Currency;
use crypto_balance_core::rates::StoredRate;
use crypto_balance_core::valuation::{value, PriceBook};

const COINS: usize = 1_000;
const HOLDINGS: usize = 10_000;

/// A realistic answer: 16-digit prices, exponent forms for tiny ones, nulls, two currencies.
fn simple_price_body() -> String {
    let coins: Vec<String> = (0..COINS)
        .map(|n| {
            let usd = match n % 4 {
                0 => format!("{}.3358936566", 60_000 + n),
                1 => format!("8.{n}e-05"),
                2 => format!("{n}"),
                _ => "null".to_owned(),
            };
            format!(
                "\"coin-{n:04}\":{{\"usd\":{usd},\"usd_24h_change\":-0.003253112981338902,\
                 \"eur\":{usd},\"eur_24h_change\":3.63727894677354,\"last_updated_at\":1711356300}}"
            )
        })
        .collect();
    format!("{{{}}}", coins.join(","))
}

fn parse(c: &mut Criterion) {
    let body = simple_price_body();
    let currencies = ["usd".to_owned(), "eur".to_owned()];
    let quotes = parse_simple_price(&body, &currencies).unwrap();
    assert_eq!(quotes.len(), COINS * 2);
    c.bench_function("parse /simple/price, 1,000 coins x 2 currencies", |b| {
        b.iter(|| parse_simple_price(black_box(&body), &currencies).unwrap())
    });
}

fn valuation(c: &mut Criterion) {
    let rates: Vec<StoredRate> = (0..COINS)
        .map(|n| StoredRate {
            coin: CoinId::parse(&format!("coin-{n:04}")).unwrap(),
            currency: Currency::usd(),
            price: format!("{}.3358936566", 1 + n).parse().unwrap(),
            change_24h: Some("3.63727894677354".parse().unwrap()),
            fetched_at: 1_700_000_000,
            last_updated_at: None,
            overridden: false,
        })
        .collect();
    let holdings: Vec<Holding> = (0..HOLDINGS)
        .map(|n| Holding {
            account: format!("Account {}", n / COINS),
            coin: CoinId::parse(&format!("coin-{:04}", n % COINS)).unwrap(),
            symbol: "c".into(),
            name: "Coin".into(),
            amount: format!("{}.123456789012345678", n + 1).parse().unwrap(),
            average_cost: Some("12.5".parse().unwrap()),
            cost_currency: Some("usd".into()),
        })
        .collect();
    let fiat: HashSet<String> = ["usd".to_owned()].into();
    c.bench_function("value 10,000 holdings over 1,000 coins", |b| {
        b.iter_batched(
            || holdings.clone(),
            |holdings| {
                let book = PriceBook::new(black_box(&rates), &Currency::usd(), &fiat);
                value(black_box(holdings), &book, 1_700_000_060)
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, parse, valuation);
criterion_main!(benches);
