//! Wallet scan benchmark (issue 19): the first scan of an xpub with 1,000 used addresses against
//! the local Esplora fake (budget: at most 2 requests per address and 30 s), beside its floor: the
//! same requests sent with a bare HTTP client, 4 at a time as the scan sends them, with nothing
//! derived, parsed or written. Then a re-scan, which must add nothing. Three runs, each into a
//! fresh vault.
//!
//! Run: `cargo bench -p crypto-balance-core --bench wallet_scan`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed set-up ends the run
#![allow(clippy::print_stdout, clippy::print_stderr)] // the figures are the output
#![allow(clippy::float_arithmetic)] // timing figures for people, not money

mod support;

use std::str::FromStr;
use std::time::{Duration, Instant};

use bdk_wallet::miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use chain_fake::FakeEsplora;
use crypto_balance_core::wallets::{NewWallet, ProviderOverrides, WalletChain};
use crypto_balance_core::AppConfig;

const USED: u32 = 1_000;
const GAP: u32 = 20;
const XPUB: &str = "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ";

fn scripts(chain: u32, count: u32) -> Vec<String> {
    let descriptor =
        Descriptor::<DescriptorPublicKey>::from_str(&format!("wpkh({XPUB}/{chain}/*)")).unwrap();
    (0..count)
        .map(|i| {
            let script = descriptor.at_derivation_index(i).unwrap().script_pubkey();
            script
                .as_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect()
}

/// The same requests with nothing around them: the fake's own speed.
async fn floor(fake: &FakeEsplora, hashes: &[String]) -> Duration {
    let http = reqwest::Client::new();
    let started = Instant::now();
    for chunk in hashes.chunks(4) {
        let asks = chunk.iter().map(|hash| {
            let url = format!("{}/scripthash/{hash}/txs", fake.url());
            let http = http.clone();
            async move { http.get(url).send().await.unwrap().text().await.unwrap() }
        });
        futures_util::future::join_all(asks).await;
    }
    started.elapsed()
}

fn main() {
    let temp = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let fake = FakeEsplora::start().await.unwrap();
        let receive = scripts(0, USED + GAP);
        for (n, script) in receive.iter().take(USED as usize).enumerate() {
            fake.pay(script, 10_000 + n as u64, Some(700_000 + n as u64));
        }
        let change = scripts(1, GAP);
        let hashes: Vec<String> = receive
            .iter()
            .chain(change.iter())
            .map(|s| FakeEsplora::script_hash(s))
            .collect();
        for run in 1..=3 {
            let servers = AppConfig {
                wallets: ProviderOverrides {
                    esplora_url: Some(fake.url()),
                    ..ProviderOverrides::default()
                },
                ..AppConfig::default()
            };
            let vault = temp.path().join(format!("vault-{run}"));
            let app = support::created_app(vault, servers).await;
            app.add_wallet(NewWallet {
                chain: WalletChain::Bitcoin,
                watch: format!("wpkh({XPUB}/0/*)"),
                name: Some("Bench".into()),
                script_type: None,
                gap_limit: Some(GAP),
                chains: None,
            })
            .await
            .unwrap();
            let started = Instant::now();
            let report = app.scan_wallets(None).await.unwrap().remove(0);
            let took = started.elapsed();
            assert_eq!(report.error, None);
            assert_eq!(report.used_addresses, USED);
            assert_eq!(report.changes.added, USED);
            println!(
                "first scan of {USED} used addresses: {:.2} s, {} requests ({:.2} per used address)",
                took.as_secs_f64(),
                report.requests,
                f64::from(report.requests) / f64::from(USED)
            );
            let bare = floor(&fake, &hashes).await;
            println!(
                "floor, the same {} address requests from a bare client: {:.2} s; the scan takes {:.1}x",
                hashes.len(),
                bare.as_secs_f64(),
                took.as_secs_f64() / bare.as_secs_f64()
            );
            let started = Instant::now();
            let again = app.scan_wallets(None).await.unwrap().remove(0);
            assert_eq!((again.changes.added, again.changes.removed), (0, 0));
            println!(
                "re-scan: {:.2} s, nothing added (run {run})",
                started.elapsed().as_secs_f64()
            );
            app.lock().await;
        }
    });
}
