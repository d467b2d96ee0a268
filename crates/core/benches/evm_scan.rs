//! EVM refresh benchmark (issue 19): one address on 6 chains, each with 100 tokens CoinGecko
//! knows (and the wallet holding 10 of them), against 6 local JSON-RPC fakes. Budget: at most one
//! Multicall3 request per chain plus one balance request. Beside it, its floor: the same 6
//! requests from a bare HTTP client, with nothing encoded, decoded or written. Three runs, each
//! into a fresh vault.
//!
//! Run: `cargo bench -p crypto-balance-core --bench evm_scan`

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed set-up ends the run
#![allow(clippy::print_stdout, clippy::print_stderr)] // the figures are the output
#![allow(clippy::float_arithmetic)] // timing figures for people, not money

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chain_fake::FakeEvm;
use coingecko_fake::{Coin, FakeCoinGecko};
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::wallets::{EvmChain, NewWallet, ProviderOverrides, WalletChain};
use crypto_balance_core::AppConfig;

const TOKENS: usize = 100;
const OWNER: &str = "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045";

fn token(chain: usize, n: usize) -> String {
    format!("0x{:040x}", 0x10_0000 + chain * 1_000 + n)
}

/// The requests the scan sends, from a bare client: every chain's server asked at once.
async fn floor(fakes: &[FakeEvm], bodies: &[String]) -> Duration {
    let http = reqwest::Client::new();
    let started = Instant::now();
    let asks = fakes.iter().zip(bodies).map(|(fake, body)| {
        let request = http
            .post(fake.url())
            .header("content-type", "application/json")
            .body(body.clone());
        async move { request.send().await.unwrap().text().await.unwrap() }
    });
    futures_util::future::join_all(asks).await;
    started.elapsed()
}

/// What the scan asks one chain: its Multicall3 of chain id, block, balance and 2 calls a token.
fn body(tokens: &[String]) -> String {
    use alloy_primitives::{Address, Bytes};
    use alloy_sol_types::SolCall;
    use crypto_balance_core::wallets::evm::{IMulticall3, IERC20, MULTICALL3};
    let owner: Address = OWNER.parse().unwrap();
    let call = |target: Address, data: Vec<u8>| IMulticall3::Call3 {
        target,
        allowFailure: true,
        callData: data.into(),
    };
    let mut calls = vec![
        call(MULTICALL3, IMulticall3::getChainIdCall {}.abi_encode()),
        call(MULTICALL3, IMulticall3::getBlockNumberCall {}.abi_encode()),
        call(
            MULTICALL3,
            IMulticall3::getEthBalanceCall { addr: owner }.abi_encode(),
        ),
    ];
    for token in tokens {
        let token: Address = token.parse().unwrap();
        calls.push(call(token, IERC20::balanceOfCall { owner }.abi_encode()));
        calls.push(call(token, IERC20::decimalsCall {}.abi_encode()));
    }
    let data = Bytes::from(IMulticall3::aggregate3Call { calls }.abi_encode());
    serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "eth_call",
        "params": [{ "to": MULTICALL3.to_string(), "data": data.to_string() }, "latest"],
    })
    .to_string()
}

fn main() {
    let temp = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let coingecko = FakeCoinGecko::start_default().await.unwrap();
        for n in 0..TOKENS {
            let mut coin = Coin::new(
                &format!("bench-token-{n:03}"),
                &format!("bt{n}"),
                &format!("Bench Token {n}"),
                None,
                Some("1.5"),
            );
            for (c, chain) in EvmChain::ALL.iter().enumerate() {
                coin.platforms
                    .insert(chain.platform().to_owned(), token(c, n));
            }
            coingecko.add_coin(coin);
        }
        let mut fakes = Vec::new();
        for (c, chain) in EvmChain::ALL.iter().enumerate() {
            let fake = FakeEvm::start(chain.chain_id()).await.unwrap();
            fake.set_native(OWNER, 2_000_000_000_000_000_000);
            for n in 0..TOKENS {
                let units = if n % 10 == 0 { 1_000_000 * (n as u128 + 1) } else { 0 };
                fake.set_token(&token(c, n), 6, OWNER, units);
            }
            fakes.push(fake);
        }
        let evm_rpc: BTreeMap<String, String> = EvmChain::ALL
            .iter()
            .zip(&fakes)
            .map(|(chain, fake)| (chain.name().to_owned(), fake.url()))
            .collect();
        for run in 1..=3 {
            let servers = AppConfig {
                coingecko: CoinGeckoOverrides {
                    base_url: Some(coingecko.base_url()),
                    ..CoinGeckoOverrides::default()
                },
                wallets: ProviderOverrides {
                    evm_rpc: evm_rpc.clone(),
                    ..ProviderOverrides::default()
                },
                ..AppConfig::default()
            };
            let vault = temp.path().join(format!("vault-{run}"));
            let app = support::created_app(vault, servers).await;
            // The catalog (with its token table) first, as the sync loop would have it.
            app.refresh_rates().await.unwrap();
            app.add_wallet(NewWallet {
                chain: WalletChain::Evm,
                watch: OWNER.into(),
                name: Some("Bench".into()),
                script_type: None,
                gap_limit: None,
                chains: None,
            })
            .await
            .unwrap();
            let before: Vec<usize> = fakes.iter().map(|f| f.requests().len()).collect();
            let started = Instant::now();
            let report = app.scan_wallets(None).await.unwrap().remove(0);
            let took = started.elapsed();
            assert_eq!(report.error, None);
            let per_chain: Vec<usize> = fakes
                .iter()
                .zip(&before)
                .map(|(f, b)| f.requests().len() - b)
                .collect();
            let held = report.coins.len();
            println!(
                "run {run}: 6 chains x {TOKENS} known tokens: {:.1} ms, {} requests ({per_chain:?} per chain), {held} coins, {} ledger entries",
                took.as_secs_f64() * 1000.0,
                report.requests,
                report.changes.added
            );
            let calls: Vec<String> = fakes.iter().filter_map(|f| f.requests().last().cloned()).collect();
            println!("  what each chain saw: {}", calls.join(" | "));
            let bodies: Vec<String> = (0..EvmChain::ALL.len())
                .map(|c| body(&(0..TOKENS).map(|n| token(c, n)).collect::<Vec<_>>()))
                .collect();
            let bare = floor(&fakes, &bodies).await;
            println!(
                "  floor, 6 Multicall3 requests of {TOKENS} tokens from a bare client: {:.1} ms; the scan takes {:.1}x",
                bare.as_secs_f64() * 1000.0,
                took.as_secs_f64() / bare.as_secs_f64()
            );
            let started = Instant::now();
            let again = app.scan_wallets(None).await.unwrap().remove(0);
            assert_eq!(again.changes.added, 0);
            println!(
                "  re-scan: {:.1} ms, nothing added",
                started.elapsed().as_secs_f64() * 1000.0
            );
            app.lock().await;
        }
    });
}
