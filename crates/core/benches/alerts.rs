//! Alert benchmark (issue 5): evaluating 10,000 rules against 1,000 fresh rates (target: <= 5 ms).
//!
//! Run: `cargo bench -p crypto-balance-core --features bench --bench alerts`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed expectation is a failed test

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use crypto_balance_core::alerts::evaluate::{evaluate, Market, Observation};
use crypto_balance_core::alerts::{AlertKind, AlertRule, AlertState, AlertTarget};
use crypto_balance_core::coin::CoinId;
use crypto_balance_core::ids::AlertId;
use crypto_balance_core::rates::Currency;

const COINS: usize = 1_000;
const RULES: usize = 10_000;
const NOW: i64 = 1_800_000_000;

fn coin(n: usize) -> CoinId {
    CoinId::parse(&format!("coin-{n:04}")).unwrap()
}

fn evaluation(c: &mut Criterion) {
    let mut market = Market::default();
    for n in 0..COINS {
        let key = (coin(n), Currency::usd());
        let price = format!("{}.3358936566", 100 + n).parse().unwrap();
        market.prices.insert(
            key.clone(),
            Observation {
                value: price,
                at: NOW,
            },
        );
        let change = "3.63727894677354".parse().unwrap();
        market.changes.insert(
            key,
            Observation {
                value: change,
                at: NOW,
            },
        );
    }
    let kinds = [
        AlertKind::PriceAbove,
        AlertKind::PriceBelow,
        AlertKind::ChangeEither,
    ];
    let rules: Vec<(AlertRule, AlertState)> = (0..RULES)
        .map(|n| {
            let rule = AlertRule::plain(
                AlertId::new(i64::try_from(n).unwrap()),
                kinds[n % kinds.len()],
                AlertTarget::Coin(coin(n % COINS)),
                format!("{}", 50 + n % 1_200).parse().unwrap(),
            );
            let state = AlertState {
                armed: Some(n % 2 == 0),
                ..AlertState::default()
            };
            (rule, state)
        })
        .collect();
    let result = evaluate(&rules, &market, NOW, 1_800);
    assert!(!result.fired.is_empty());
    c.bench_function("evaluate 10,000 rules against 1,000 rates", |b| {
        b.iter(|| evaluate(black_box(&rules), black_box(&market), NOW, 1_800))
    });
}

criterion_group!(benches, evaluation);
criterion_main!(benches);
