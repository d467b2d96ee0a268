//! Watch-only EVM wallets against local JSON-RPC fakes of two chains and the CoinGecko fake: one
//! Multicall3 request per chain, tokens matched to coins by contract, a spam token never asked
//! about, balances reconciled without duplicates, a failing chain named and the others kept.

use std::collections::BTreeMap;
use std::time::Duration;

use chain_fake::{Failure, FakeEvm};
use coingecko_fake::FakeCoinGecko;
use crypto_balance_core::wallets::{NewWallet, ProviderOverrides, ScanReport, WalletChain};
use crypto_balance_core::{App, ErrorCode};

use crate::support::{fresh_prices_from, TestApp};

const OWNER: &str = "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045";
const USDC_ETHEREUM: &str = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const USDC_BASE: &str = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
/// A token no coin lists, holding a fortune: it must never be asked about or counted.
const SPAM: &str = "0x00000000000000000000000000000000deadbeef";
const ETHER: u128 = 1_000_000_000_000_000_000;

fn evm(watch: &str, chains: &str) -> NewWallet {
    NewWallet {
        chain: WalletChain::Evm,
        watch: watch.into(),
        name: Some("Rabby".into()),
        script_type: None,
        gap_limit: None,
        chains: Some(chains.into()),
    }
}

/// An alert on a wallet's balance (`None`: no wallet named, which is refused).
fn wallet_rule(account: Option<&str>) -> crypto_balance_core::alerts::NewAlert {
    use crypto_balance_core::alerts::{AlertKind, NewAlert};
    NewAlert {
        account: account.map(str::to_owned),
        ..NewAlert::new(AlertKind::WalletChanged, None, rust_decimal::Decimal::ZERO)
    }
}

fn coin(report: &ScanReport, id: &str) -> String {
    report
        .coins
        .iter()
        .find(|c| c.coin == id)
        .map_or_else(|| "0".to_owned(), |c| c.amount.to_string())
}

/// CoinGecko's fake, and an Ethereum fake on which OWNER holds one ether.
async fn owner_of_an_ether() -> (FakeCoinGecko, FakeEvm) {
    let coingecko = FakeCoinGecko::start_default().await.unwrap();
    let ethereum = FakeEvm::start(1).await.unwrap();
    ethereum.set_native(OWNER, ETHER);
    (coingecko, ethereum)
}

async fn app_on(
    dir: &std::path::Path,
    coingecko: &FakeCoinGecko,
    chains: &[(&str, &FakeEvm)],
) -> App {
    let evm_rpc: BTreeMap<String, String> = chains
        .iter()
        .map(|(name, fake)| ((*name).to_owned(), fake.url()))
        .collect();
    TestApp::new()
        .coingecko(fresh_prices_from(coingecko))
        .providers(ProviderOverrides {
            evm_rpc,
            timeout: Some(Duration::from_secs(1)),
            ..ProviderOverrides::default()
        })
        .create(dir)
        .await
}

/// An app whose Ethereum server is `ethereum`, which also serves as its Blockscout indexer.
async fn indexed_app(dir: &std::path::Path, coingecko: &FakeCoinGecko, ethereum: &FakeEvm) -> App {
    TestApp::new()
        .coingecko(fresh_prices_from(coingecko))
        .providers(ProviderOverrides {
            evm_rpc: [("ethereum".to_owned(), ethereum.url())].into(),
            evm_indexer: [("ethereum".to_owned(), ethereum.url())].into(),
            timeout: Some(Duration::from_secs(1)),
            ..ProviderOverrides::default()
        })
        .create(dir)
        .await
}

/// The indexed app watching OWNER on Ethereum, and its first scan, which must have succeeded.
async fn indexed_scan(
    dir: &std::path::Path,
    coingecko: &FakeCoinGecko,
    ethereum: &FakeEvm,
) -> (App, ScanReport) {
    let app = indexed_app(dir, coingecko, ethereum).await;
    app.add_wallet(evm(OWNER, "ethereum")).await.unwrap();
    let report = app.scan_wallets(None).await.unwrap().remove(0);
    assert_eq!(report.error, None);
    (app, report)
}

#[tokio::test]
async fn an_address_is_valued_on_two_chains_with_one_request_each() {
    let coingecko = FakeCoinGecko::start_default().await.unwrap();
    let ethereum = FakeEvm::start(1).await.unwrap();
    let base = FakeEvm::start(8453).await.unwrap();
    ethereum.set_native(OWNER, 3 * ETHER / 2);
    ethereum.set_token(USDC_ETHEREUM, 6, OWNER, 2_500_500_000);
    ethereum.set_token(SPAM, 18, OWNER, 1_000_000 * ETHER);
    base.set_native(OWNER, ETHER / 4);
    base.set_token(USDC_BASE, 6, OWNER, 100_000_000);
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(
        dir.path(),
        &coingecko,
        &[("ethereum", &ethereum), ("base", &base)],
    )
    .await;

    // A checksum typo and a private key are refused before anything is stored.
    let typo = app
        .add_wallet(evm(
            "0xd8dA6bF26964aF9D7eEd9e03E53415D37aA96045",
            "ethereum",
        ))
        .await
        .unwrap_err();
    assert_eq!(typo.code(), ErrorCode::InvalidInput);
    assert!(typo.to_string().contains("checksum"), "{typo}");
    let key = format!(
        "0x{}",
        "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    );
    let refused = app.add_wallet(evm(&key, "ethereum")).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::SecretRefused);
    let unknown = app
        .add_wallet(evm(OWNER, "ethereum,dogechain"))
        .await
        .unwrap_err();
    assert!(unknown.to_string().contains("dogechain"), "{unknown}");

    let wallet = app
        .add_wallet(evm(&OWNER.to_ascii_lowercase(), "base, eth"))
        .await
        .unwrap();
    assert_eq!(
        (wallet.watch.as_str(), wallet.network.as_str()),
        (OWNER, "ethereum,base")
    );

    let report = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(report.error, None);
    assert_eq!(coin(report, "ethereum"), "1.75");
    assert_eq!(coin(report, "usd-coin"), "2600.5");
    assert_eq!(
        report.coins.len(),
        2,
        "the spam token is not counted: {report:?}"
    );
    assert!(report.unpriced_tokens.is_empty());
    assert_eq!(report.height, Some(20_000_000));
    assert_eq!(report.changes.added, 4, "ETH and USDC on each chain");
    // One request per chain: chain id, block, balance and the known tokens in one Multicall3.
    // The fake CoinGecko knows 4 tokens on Ethereum and 1 on Base; 2 calls each.
    assert_eq!(report.requests, 2);
    assert_eq!(ethereum.requests(), ["eth_call aggregate3×11"]);
    assert_eq!(base.requests(), ["eth_call aggregate3×5"]);

    // Valued in the portfolio at the fake's prices.
    app.refresh_rates().await.unwrap();
    let valuation = app.valuation(Some("usd")).await.unwrap();
    let value = |id: &str| {
        valuation
            .assets
            .iter()
            .find(|a| a.coin.as_str() == id)
            .and_then(|a| a.value)
            .map(|v| v.normalize().to_string())
    };
    // 2,600.5 USDC at 0.999912 and 1.75 ETH at 3,421.77.
    assert_eq!(value("usd-coin").as_deref(), Some("2600.271156"));
    assert_eq!(value("ethereum").as_deref(), Some("5988.0975"));

    // The same balances later add nothing; a spent balance adds one adjustment.
    ethereum.set_block(20_000_050);
    let again = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(
        (again.changes.added, coin(again, "usd-coin").as_str()),
        (0, "2600.5")
    );
    ethereum.set_token(USDC_ETHEREUM, 6, OWNER, 0);
    ethereum.set_block(20_000_100);
    let spent = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(
        (spent.changes.added, coin(spent, "usd-coin").as_str()),
        (1, "100")
    );

    // Every request is in the privacy log, with the wallet it was about.
    let log = app.privacy_log(100).await.unwrap();
    let asked: Vec<_> = log.iter().filter(|r| r.provider == "evm-rpc").collect();
    assert_eq!(
        asked.len(),
        ethereum.requests().len() + base.requests().len()
    );
    assert!(
        asked
            .iter()
            .all(|r| r.asked.contains(&format!("{OWNER} of wallet 'Rabby'"))),
        "{asked:?}"
    );

    // Base failing is named; Ethereum's balance is still brought up to date.
    base.fail_next(&[Failure::Status(500); 3]);
    ethereum.set_native(OWNER, ETHER);
    let failed = &app.scan_wallets(None).await.unwrap()[0];
    let error = failed.error.as_deref().expect("Base failed");
    assert!(
        error.contains(&format!("The Base RPC server at {}", base.url())),
        "{error}"
    );
    assert_eq!(
        coin(failed, "ethereum"),
        "1.25",
        "1 on Ethereum, 0.25 kept on Base"
    );
}

#[tokio::test]
async fn a_server_for_another_chain_is_refused() {
    let (coingecko, ethereum) = owner_of_an_ether().await;
    let dir = tempfile::tempdir().unwrap();
    // Polygon's server is, by mistake, an Ethereum node.
    let app = app_on(dir.path(), &coingecko, &[("polygon", &ethereum)]).await;
    app.add_wallet(evm(OWNER, "polygon")).await.unwrap();
    let report = &app.scan_wallets(None).await.unwrap()[0];
    let error = report.error.as_deref().expect("the chain id is checked");
    assert!(
        error.contains("serves chain 1, not Polygon (137)"),
        "{error}"
    );
    assert!(report.coins.is_empty(), "nothing was written");
}

#[tokio::test]
async fn a_wallet_alert_fires_when_a_scan_changes_its_balance() {
    let (coingecko, ethereum) = owner_of_an_ether().await;
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(dir.path(), &coingecko, &[("ethereum", &ethereum)]).await;
    app.add_wallet(evm(OWNER, "ethereum")).await.unwrap();
    app.scan_wallets(None).await.unwrap();
    let error = app.add_alert(wallet_rule(None)).await.unwrap_err();
    assert!(error.to_string().contains("wallet's name"), "{error}");
    let error = app
        .add_alert(wallet_rule(Some("Savings")))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::NotFound);
    let added = app.add_alert(wallet_rule(Some("rabby"))).await.unwrap();
    assert_eq!(added.description, "The balance of wallet 'Rabby' changes");

    // A scan that changes nothing fires nothing; one that does fires once, naming the change.
    app.scan_wallets(None).await.unwrap();
    assert!(app.alert_history(10).await.unwrap().is_empty());
    ethereum.set_native(OWNER, ETHER / 4);
    ethereum.set_block(20_000_010);
    let report = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(report.changed.len(), 1);
    assert_eq!(report.changed[0].amount.to_string(), "-0.75");
    let history = app.alert_history(10).await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert!(
        history[0]
            .message
            .starts_with("The balance of wallet 'Rabby' changed: -0.75 ethereum"),
        "{}",
        history[0].message
    );
    app.scan_wallets(None).await.unwrap();
    assert_eq!(
        app.alert_history(10).await.unwrap().len(),
        1,
        "no change, no alert"
    );
}

#[tokio::test]
async fn a_wallet_is_renamed_and_its_chains_changed_in_place() {
    use crypto_balance_core::wallets::WalletChange;
    let coingecko = FakeCoinGecko::start_default().await.unwrap();
    let ethereum = FakeEvm::start(1).await.unwrap();
    let base = FakeEvm::start(8453).await.unwrap();
    ethereum.set_native(OWNER, ETHER);
    base.set_native(OWNER, ETHER / 2);
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(
        dir.path(),
        &coingecko,
        &[("ethereum", &ethereum), ("base", &base)],
    )
    .await;
    app.add_wallet(evm(OWNER, "ethereum,base")).await.unwrap();
    let first = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(coin(first, "ethereum"), "1.5");
    app.add_alert(wallet_rule(Some("Rabby"))).await.unwrap();

    let refused = app
        .edit_wallet(
            "Rabby",
            &WalletChange {
                gap_limit: Some(30),
                ..WalletChange::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidInput);
    let edited = app
        .edit_wallet(
            "rabby",
            &WalletChange {
                name: Some("Hot wallet".into()),
                chains: Some("ethereum".into()),
                ..WalletChange::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (edited.name.as_str(), edited.network.as_str()),
        ("Hot wallet", "ethereum")
    );
    assert_eq!(edited.watch, OWNER, "what it watches stays");
    // The alert follows the rename, and Base's balance leaves with Base at the next scan.
    let rules = app.alerts().await.unwrap();
    assert_eq!(
        rules[0].description,
        "The balance of wallet 'Hot wallet' changes"
    );
    let after = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(coin(after, "ethereum"), "1");
    assert_eq!(after.requests, 1, "Base is no longer asked");
    let history = app.alert_history(10).await.unwrap();
    assert!(
        history[0]
            .message
            .contains("'Hot wallet' changed: -0.5 ethereum"),
        "{history:?}"
    );
    assert!(app.wallets().await.unwrap()[0].name == "Hot wallet");
}

#[tokio::test]
async fn an_indexer_finds_spam_tokens_which_are_listed_apart_and_never_counted() {
    let (coingecko, ethereum) = owner_of_an_ether().await;
    ethereum.set_token(USDC_ETHEREUM, 6, OWNER, 7_000_000);
    ethereum.set_token(SPAM, 18, OWNER, 1_000_000 * ETHER);
    let dir = tempfile::tempdir().unwrap();
    let (app, report) = indexed_scan(dir.path(), &coingecko, &ethereum).await;
    let report = &report;
    assert_eq!(coin(report, "usd-coin"), "7");
    assert_eq!(
        report.coins.len(),
        2,
        "ETH and USDC, not the spam: {report:?}"
    );
    let spam = &report.unpriced_tokens;
    assert_eq!(spam.len(), 1);
    assert_eq!(spam[0].token.to_ascii_lowercase(), SPAM);
    assert_eq!(
        (spam[0].chain.as_str(), spam[0].amount.as_str()),
        ("ethereum", "1000000")
    );
    // The token list, the (empty) history, then one Multicall3 of only the known token it holds
    // (3 + 2 calls).
    assert_eq!(
        ethereum.requests(),
        [
            "GET token-balances",
            "GET transactions",
            "GET token-transfers",
            "eth_call aggregate3×5"
        ]
    );
    assert_eq!(report.requests, 4);
    let log = app.privacy_log(10).await.unwrap();
    assert!(log.iter().any(|r| r.provider == "blockscout"
        && r.asked
            .contains(&format!("/api/v2/addresses/{OWNER}/token-balances"))));
}

#[tokio::test]
async fn an_indexer_gives_the_history_and_an_adjustment_covers_the_rest() {
    let coingecko = FakeCoinGecko::start_default().await.unwrap();
    let ethereum = FakeEvm::start(1).await.unwrap();
    let other = "0x1111111111111111111111111111111111111111";
    let milli = ETHER / 1_000;
    // In: 1.5 ETH. Out: 0.4 ETH and a 0.01 fee; a failed call's 0.001 fee; a pending one.
    ethereum.add_transaction("0xaa01", other, OWNER, 1_500 * milli, 0, Some("ok"));
    ethereum.add_transaction("0xaa02", OWNER, other, 400 * milli, 10 * milli, Some("ok"));
    ethereum.add_transaction("0xaa03", OWNER, other, 0, milli, Some("error"));
    ethereum.add_transaction("0xaa04", OWNER, other, 50 * milli, milli, None);
    // USDC: 10 in, 3 out; and a spam airdrop, never an entry.
    ethereum.add_transfer(("0xbb01", 1), (USDC_ETHEREUM, 6), other, OWNER, 10_000_000);
    ethereum.add_transfer(("0xbb02", 4), (USDC_ETHEREUM, 6), OWNER, other, 3_000_000);
    ethereum.add_transfer(("0xbb03", 2), (SPAM, 18), other, OWNER, 1_000_000 * ETHER);
    // On chain there is also 0.2 ETH from a contract's internal transfer, which lists miss.
    ethereum.set_native(OWNER, 1_289 * milli);
    ethereum.set_token(USDC_ETHEREUM, 6, OWNER, 7_000_000);
    ethereum.set_token(SPAM, 18, OWNER, 1_000_000 * ETHER);
    let dir = tempfile::tempdir().unwrap();
    let (app, report) = indexed_scan(dir.path(), &coingecko, &ethereum).await;
    let report = &report;
    assert_eq!(coin(report, "ethereum"), "1.289");
    assert_eq!(coin(report, "usd-coin"), "7");
    assert_eq!(
        report.changes.added, 7,
        "6 from the history, 1 adjustment for the 0.2 ETH"
    );
    assert_eq!(
        ethereum.requests(),
        [
            "GET token-balances",
            "GET transactions",
            "GET transactions",
            "GET token-transfers",
            "GET token-transfers",
            "eth_call aggregate3×5"
        ],
        "two pages of each list"
    );
    // Entries carry the day they happened.
    let store = app.store().await.unwrap();
    let dated: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT kind, amount, occurred_at FROM entries WHERE source LIKE 'evm:%:ethereum:h:%' ORDER BY source",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let kinds: Vec<(&str, &str)> = dated
        .iter()
        .map(|(k, a, _)| (k.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("fee", "-0.01"),
            ("fee", "-0.001"),
            ("deposit", "10"),
            ("withdrawal", "-3"),
            ("deposit", "1.5"),
            ("withdrawal", "-0.4"),
        ]
    );
    assert_eq!(dated[4].2, 1_714_564_800, "2024-05-01T12:00:00Z");

    // A re-scan adds nothing; a new transfer in is one entry, no adjustment.
    let again = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!((again.changes.added, again.changes.removed), (0, 0));
    ethereum.add_transfer(("0xbb04", 9), (USDC_ETHEREUM, 6), other, OWNER, 5_000_000);
    ethereum.set_token(USDC_ETHEREUM, 6, OWNER, 12_000_000);
    let more = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(
        (more.changes.added, coin(more, "usd-coin").as_str()),
        (1, "12")
    );
}

#[tokio::test]
async fn a_busy_or_silent_rpc_server_is_asked_again() {
    let (coingecko, ethereum) = owner_of_an_ether().await;
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(dir.path(), &coingecko, &[("ethereum", &ethereum)]).await;
    app.add_wallet(evm(OWNER, "ethereum")).await.unwrap();
    // A 429, then no answer within the 1 s timeout, then an answer: the third try counts.
    ethereum.fail_next(&[
        Failure::Status(429),
        Failure::Silence(Duration::from_millis(1_500)),
    ]);
    let report = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(report.error, None);
    assert_eq!(
        (report.requests, coin(report, "ethereum").as_str()),
        (3, "1")
    );
    // Silent three times: the scan gives up and says so, and the ledger stays as it was.
    ethereum.set_native(OWNER, 2 * ETHER);
    ethereum.fail_next(&[Failure::Silence(Duration::from_millis(1_500)); 3]);
    let silent = &app.scan_wallets(None).await.unwrap()[0];
    let error = silent.error.as_deref().expect("the scan failed");
    assert!(error.contains("did not answer in time"), "{error}");
    assert_eq!(coin(silent, "ethereum"), "1");
}
