//! Store benchmarks (issue 3): 100,000 ledger entries in one transaction into the encrypted store
//! and into plain SQLite (the ratio is the cost of encryption), and listing 10,000 holdings.
//!
//! Run: `cargo bench -p crypto-balance-core --features bench --bench store`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed expectation is a failed test

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use crypto_balance_core::holdings;
use crypto_balance_core::ids::AccountId;
use crypto_balance_core::ledger::{self, BatchKind, EntryKind, NewEntry};
use crypto_balance_core::secret::DataKey;
use crypto_balance_core::store::Store;
use crypto_balance_core::Amount;

const ENTRIES: usize = 100_000;
const COINS: [&str; 50] = [
    "bitcoin",
    "ethereum",
    "tether",
    "binancecoin",
    "solana",
    "usd-coin",
    "ripple",
    "dogecoin",
    "cardano",
    "tron",
    "avalanche-2",
    "chainlink",
    "polkadot",
    "litecoin",
    "bitcoin-cash",
    "stellar",
    "cosmos",
    "monero",
    "ethereum-classic",
    "uniswap",
    "near",
    "aptos",
    "sui",
    "the-open-network",
    "shiba-inu",
    "dai",
    "wrapped-bitcoin",
    "algorand",
    "tezos",
    "filecoin",
    "arbitrum",
    "optimism",
    "matic-network",
    "aave",
    "maker",
    "hedera-hashgraph",
    "internet-computer",
    "zcash",
    "kaspa",
    "pepe",
    "render-token",
    "vechain",
    "0chain",
    "01coin",
    "bitcoin",
    "ethereum",
    "solana",
    "cardano",
    "ripple",
    "dogecoin",
];

fn entries(accounts: &[AccountId], count: usize, tag: &str) -> Vec<NewEntry> {
    (0..count)
        .map(|i| NewEntry {
            account_id: accounts[i % accounts.len()],
            asset_id: COINS[(i / accounts.len()) % 44].to_owned(),
            amount: Amount::from_atoms(1_234_567_890_123_456_789 + i as i128),
            kind: EntryKind::Deposit,
            occurred_at: 1_700_000_000 + i as i64,
            price: None,
            note: None,
            source: format!("bench:{tag}:{i}"),
            link: None,
        })
        .collect()
}

async fn accounts(store: &Store, count: usize) -> Vec<AccountId> {
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let id: AccountId = sqlx::query_scalar(
            "INSERT INTO accounts (name, kind, created_at) VALUES (?, 'manual', 0) RETURNING id",
        )
        .bind(format!("account {i}"))
        .fetch_one(store.pool())
        .await
        .expect("account");
        ids.push(id);
    }
    ids
}

fn insert_100k(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("insert 100k entries in one transaction");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for encrypted in [true, false] {
        let name = if encrypted {
            "encrypted"
        } else {
            "plain sqlite"
        };
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    let mut total = Duration::ZERO;
                    for round in 0..iterations {
                        let dir = tempfile::tempdir().expect("temp dir");
                        let path = dir.path().join("bench.db");
                        let store = if encrypted {
                            Store::open(&path, &DataKey::generate()).await
                        } else {
                            Store::open_plaintext_for_benchmark(&path).await
                        }
                        .expect("opens");
                        let ids = accounts(&store, 20).await;
                        let batch = entries(&ids, ENTRIES, &round.to_string());
                        let start = Instant::now();
                        ledger::write_batch(&store, BatchKind::Import, "bench", &batch, 0)
                            .await
                            .expect("writes");
                        total += start.elapsed();
                        store.close().await;
                    }
                    total
                })
            })
        });
    }
    group.finish();
}

fn list_10k_holdings(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = runtime.block_on(async {
        let store = Store::open(&dir.path().join("bench.db"), &DataKey::generate())
            .await
            .expect("opens");
        // 250 accounts x 40 coins = 10,000 holdings.
        let ids = accounts(&store, 250).await;
        let batch = entries(&ids, 10_000, "list");
        ledger::write_batch(&store, BatchKind::Import, "bench", &batch, 0)
            .await
            .expect("writes");
        store
    });
    let count = runtime
        .block_on(holdings::list(&store))
        .expect("lists")
        .len();
    assert_eq!(count, 10_000);
    c.bench_function("list 10k holdings (encrypted)", |b| {
        b.iter(|| runtime.block_on(holdings::list(&store)).expect("lists"))
    });
}

criterion_group!(benches, insert_100k, list_10k_holdings);
criterion_main!(benches);
