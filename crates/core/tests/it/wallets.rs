//! Watch-only Bitcoin wallets against a local Esplora fake: a zpub scanned, valued and re-scanned
//! without duplicates; the gap limit; a replaced payment taken out; secrets refused; a failing
//! server retried, then reported; and every request in the privacy log.

use std::str::FromStr;
use std::time::Duration;

use bdk_wallet::miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use chain_fake::{Failure, FakeEsplora};
use crypto_balance_core::wallets::{NewWallet, ProviderOverrides, WalletChain, WalletSettings};
use crypto_balance_core::{App, ErrorCode};

use crate::support::TestApp;

/// BIP-84's account-0 zpub of "abandon … about", and its published addresses' scripts.
const ZPUB: &str = "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
const RECEIVE_0: &str = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";
const RECEIVE_1: &str = "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g";
const CHANGE_0: &str = "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el";
const STRANGER: &str = "0014eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
/// A key for tests that need scripts at any index.
pub(crate) const XPUB: &str = "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ";

fn providers(fake: &FakeEsplora) -> ProviderOverrides {
    ProviderOverrides {
        esplora_url: Some(fake.url()),
        timeout: Some(Duration::from_secs(1)),
        ..ProviderOverrides::default()
    }
}

fn bitcoin(watch: &str, name: &str) -> NewWallet {
    NewWallet {
        chain: WalletChain::Bitcoin,
        watch: watch.into(),
        name: Some(name.into()),
        script_type: None,
        gap_limit: None,
        chains: None,
    }
}

async fn app_on(fake: &FakeEsplora, dir: &std::path::Path) -> App {
    TestApp::new().providers(providers(fake)).create(dir).await
}

fn btc(app_amount: &crypto_balance_core::wallets::ScanReport) -> String {
    app_amount
        .coins
        .iter()
        .find(|c| c.coin == "bitcoin")
        .map_or_else(|| "0".to_owned(), |c| c.amount.to_string())
}

/// An address's script, hex, as the fake is told about it.
fn script(address: &str) -> String {
    let address = bdk_wallet::bitcoin::Address::from_str(address)
        .unwrap()
        .assume_checked();
    hex::encode(address.script_pubkey().as_bytes())
}

pub(crate) fn script_at(chain: u32, index: u32) -> String {
    let descriptor =
        Descriptor::<DescriptorPublicKey>::from_str(&format!("wpkh({XPUB}/{chain}/*)")).unwrap();
    hex::encode(
        descriptor
            .at_derivation_index(index)
            .unwrap()
            .script_pubkey()
            .as_bytes(),
    )
}

#[tokio::test]
async fn a_zpub_is_scanned_and_rescanned_without_duplicates() {
    let fake = FakeEsplora::start().await.unwrap();
    fake.pay(&script(RECEIVE_0), 50_000_000, Some(799_990));
    fake.pay(&script(RECEIVE_1), 25_000_000, Some(799_995));
    // 0.2 BTC paid out of the first address, 0.2999 back as change, a 10,000 sat fee.
    fake.transact(
        vec![(script(RECEIVE_0), 50_000_000)],
        vec![
            (STRANGER.into(), 20_000_000),
            (script(CHANGE_0), 29_990_000),
        ],
        Some(799_999),
    );
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(&fake, dir.path()).await;
    let wallet = app.add_wallet(bitcoin(ZPUB, "Cold storage")).await.unwrap();
    assert_eq!(
        wallet.first_address.as_deref(),
        Some("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu")
    );
    assert_eq!(wallet.network, "bitcoin");

    let first = app.scan_wallets(None).await.unwrap();
    assert_eq!(first.len(), 1);
    let report = &first[0];
    assert_eq!(report.error, None);
    assert_eq!(btc(report), "0.5499");
    assert_eq!(report.height, Some(800_000));
    assert_eq!(report.changes.added, 4, "two deposits, a withdrawal, a fee");
    assert_eq!(report.used_addresses, 3);
    // The gap rule: receive 0..=21 and change 0..=20, plus the tip.
    assert_eq!(report.requests, 22 + 21 + 1);
    assert_eq!(fake.requests().len(), 44);

    let holdings = app.holdings().await.unwrap();
    let held = holdings
        .iter()
        .find(|h| h.account == "Cold storage")
        .expect("the wallet's holding");
    assert_eq!(held.amount.to_string(), "0.5499");

    let again = app.scan_wallets(Some("cold storage")).await.unwrap();
    assert_eq!((again[0].changes.added, again[0].changes.removed), (0, 0));
    assert_eq!(btc(&again[0]), "0.5499");
    let listed = app.wallets().await.unwrap();
    assert_eq!(listed[0].scanned_height, Some(800_000));
    assert_eq!(listed[0].last_error, None);

    // The privacy log holds every request the server saw, naming the address asked about.
    let log = app.privacy_log(1_000).await.unwrap();
    let asked: Vec<_> = log.iter().filter(|r| r.provider == "esplora").collect();
    assert_eq!(asked.len(), fake.requests().len());
    assert!(asked.iter().any(|r| r
        .asked
        .contains("(bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu of wallet 'Cold storage')")));
}

#[tokio::test]
async fn the_scan_stops_gap_addresses_past_the_last_used_one() {
    let fake = FakeEsplora::start().await.unwrap();
    fake.pay(&script_at(0, 3), 1_000, Some(10));
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(&fake, dir.path()).await;
    let mut new = bitcoin(&format!("wpkh({XPUB}/0/*)"), "Gap");
    new.gap_limit = Some(5);
    app.add_wallet(new).await.unwrap();
    app.scan_wallets(None).await.unwrap();

    let mut asked: Vec<String> = fake
        .requests()
        .into_iter()
        .filter_map(|r| {
            r.strip_prefix("GET /scripthash/")
                .map(|h| h[..64].to_owned())
        })
        .collect();
    asked.sort();
    let mut expected: Vec<String> = (0..=8)
        .map(|i| script_at(0, i))
        .chain((0..=4).map(|i| script_at(1, i)))
        .map(|s| FakeEsplora::script_hash(&s))
        .collect();
    expected.sort();
    assert_eq!(asked, expected, "receive 0..=3+5, change 0..=4");
}

#[tokio::test]
async fn a_replaced_payment_is_taken_out_and_a_confirmation_dates_it() {
    let fake = FakeEsplora::start().await.unwrap();
    let first = fake.pay(&script(RECEIVE_0), 100_000_000, None);
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(&fake, dir.path()).await;
    app.add_wallet(bitcoin(ZPUB, "Hot")).await.unwrap();
    assert_eq!(btc(&app.scan_wallets(None).await.unwrap()[0]), "1");

    fake.forget(&first);
    let second = fake.pay(&script(RECEIVE_0), 90_000_000, None);
    let report = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(btc(report), "0.9");
    assert_eq!((report.changes.added, report.changes.removed), (1, 1));

    fake.confirm(&second, 799_000);
    let report = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(btc(report), "0.9");
    assert_eq!((report.changes.added, report.changes.removed), (1, 0));
    let entries = app.coin_entries("bitcoin", 100).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].at.seconds(), 1_231_006_505 + 799_000 * 600);
}

#[tokio::test]
async fn secrets_are_refused_and_nothing_is_kept() {
    let fake = FakeEsplora::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(&fake, dir.path()).await;
    let secrets = [
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
        "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn",
        "0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d",
    ];
    for secret in secrets {
        let error = app.add_wallet(bitcoin(secret, "Oops")).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::SecretRefused, "{error}");
        assert!(!error.to_string().contains(&secret[..20]), "{error}");
        let error = app
            .preview_wallet(WalletChain::Bitcoin, secret, None)
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::SecretRefused);
    }
    assert!(app.wallets().await.unwrap().is_empty());
    assert!(app
        .accounts()
        .await
        .unwrap()
        .iter()
        .all(|a| a.name != "Oops"));
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn a_failing_server_is_retried_then_named_in_the_error() {
    let fake = FakeEsplora::start().await.unwrap();
    fake.pay(&script(RECEIVE_0), 5_000, Some(1));
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(&fake, dir.path()).await;
    app.add_wallet(bitcoin(ZPUB, "Flaky")).await.unwrap();

    fake.fail_next(&[Failure::Status(429), Failure::Status(503)]);
    let report = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(report.error, None);
    assert_eq!(btc(report), "0.00005");

    fake.fail_next(&[Failure::Status(500); 3]);
    let report = &app.scan_wallets(None).await.unwrap()[0];
    let error = report.error.as_deref().expect("the scan failed");
    assert!(
        error.contains(&format!("The Esplora server at {}", fake.url())),
        "{error}"
    );
    assert!(error.contains("HTTP 500"), "{error}");
    assert_eq!(btc(report), "0.00005", "the ledger is as it was");
    let listed = app.wallets().await.unwrap();
    assert_eq!(listed[0].last_error.as_deref(), Some(error));

    fake.fail_next(&[Failure::Silence(Duration::from_secs(3)); 3]);
    let report = &app.scan_wallets(None).await.unwrap()[0];
    let error = report.error.as_deref().expect("the scan failed");
    assert!(error.contains("did not answer in time"), "{error}");
}

#[tokio::test]
async fn removing_a_wallet_takes_its_account_and_entries() {
    let fake = FakeEsplora::start().await.unwrap();
    fake.pay(&script(RECEIVE_1), 7_000, Some(1));
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(&fake, dir.path()).await;
    app.add_wallet(bitcoin(ZPUB, "Old")).await.unwrap();
    app.scan_wallets(None).await.unwrap();
    let error = app.add_wallet(bitcoin(ZPUB, "Again")).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);

    app.remove_wallet("old").await.unwrap();
    assert!(app.wallets().await.unwrap().is_empty());
    assert!(app.holdings().await.unwrap().is_empty());
    assert!(app
        .accounts()
        .await
        .unwrap()
        .iter()
        .all(|a| a.name != "Old"));
    let error = app.remove_wallet("old").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn the_sync_loop_scans_watched_wallets_when_it_starts() {
    let fake = FakeEsplora::start().await.unwrap();
    fake.pay(&script(RECEIVE_0), 3_000, Some(5));
    let prices = coingecko_fake::FakeCoinGecko::start_default()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = std::sync::Arc::new(
        TestApp::new()
            .providers(providers(&fake))
            .coingecko(crate::support::fresh_prices_from(&prices))
            .create(dir.path())
            .await,
    );
    app.add_wallet(bitcoin(ZPUB, "Watched")).await.unwrap();
    let mut events = app.subscribe();
    let refresher = crypto_balance_core::sync::Refresher::new(app.clone());
    refresher.start().await;
    let report = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(crypto_balance_core::events::Event::WalletScanned(report)) =
                events.recv().await
            {
                return report;
            }
        }
    })
    .await
    .expect("a scan within 20 s");
    assert_eq!(
        (report.wallet.as_str(), btc(&report).as_str()),
        ("Watched", "0.00003")
    );
    refresher.stop().await;
}

#[tokio::test]
async fn every_request_goes_through_the_proxy_when_one_is_set() {
    // The fake plays an HTTP proxy too: it answers the absolute-form requests a proxy receives.
    // The server named cannot be resolved, so the scan works only through the proxy.
    let fake = FakeEsplora::start().await.unwrap();
    fake.pay(&script(RECEIVE_0), 4_000, Some(9));
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::new()
        .providers(ProviderOverrides {
            esplora_url: Some("http://esplora.invalid".into()),
            proxy: Some(fake.url()),
            timeout: Some(Duration::from_secs(2)),
            ..ProviderOverrides::default()
        })
        .create(dir.path())
        .await;
    app.add_wallet(bitcoin(ZPUB, "Private")).await.unwrap();
    let report = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(report.error, None);
    assert_eq!(btc(report), "0.00004");
    assert_eq!(
        fake.requests().len(),
        usize::try_from(report.requests).unwrap()
    );

    // A proxy that cannot be used is refused with a reason, and nothing is sent.
    let before = fake.requests().len();
    let other = tempfile::tempdir().unwrap();
    let refused = TestApp::new()
        .providers(ProviderOverrides {
            esplora_url: Some(fake.url()),
            proxy: Some("not a proxy".into()),
            ..ProviderOverrides::default()
        })
        .create(other.path())
        .await;
    refused.add_wallet(bitcoin(ZPUB, "Refused")).await.unwrap();
    let report = &refused.scan_wallets(None).await.unwrap()[0];
    assert!(
        report.error.as_deref().is_some_and(|e| e.contains("proxy")),
        "{report:?}"
    );
    assert_eq!(fake.requests().len(), before);
}

#[tokio::test]
async fn the_stored_esplora_server_is_asked_and_a_bad_one_refused() {
    let fake = FakeEsplora::start().await.unwrap();
    fake.pay(&script(RECEIVE_1), 6_000, Some(9));
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::new().create(dir.path()).await;
    let error = app
        .set_wallet_settings(&WalletSettings {
            esplora_url: Some("ftp://example".into()),
            ..WalletSettings::default()
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    let saved = app
        .set_wallet_settings(&WalletSettings {
            esplora_url: Some(format!("{}/", fake.url())),
            evm_rpc: [("base".to_owned(), "http://127.0.0.1:8545/".to_owned())].into(),
            ..WalletSettings::default()
        })
        .await
        .unwrap();
    assert_eq!(saved.esplora_url, Some(fake.url()));
    assert_eq!(saved.evm_rpc["base"], "http://127.0.0.1:8545");
    assert_eq!(app.wallet_settings().await.unwrap(), saved);
    app.add_wallet(bitcoin(ZPUB, "Own server")).await.unwrap();
    let report = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(
        (report.error.as_deref(), btc(report).as_str()),
        (None, "0.00006")
    );
    assert!(!fake.requests().is_empty());
}

/// A Solana address (the System Program's is all ones; this one is a wallet's).
const SOLANA: &str = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
/// A mint CoinGecko does not list (any 32 bytes will do).
const SPAM_MINT: &str = "So11111111111111111111111111111111111111112";

#[tokio::test]
async fn a_solana_address_is_reconciled_to_its_balance() {
    let rpc = chain_fake::FakeSolana::start().await.unwrap();
    let coingecko = coingecko_fake::FakeCoinGecko::start_default()
        .await
        .unwrap();
    rpc.set_balance(SOLANA, 2_500_000_000);
    // USDC's mint, which CoinGecko's platform table names; and a token it does not know.
    rpc.add_token_account(
        SOLANA,
        "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        5_000_000,
        6,
    );
    rpc.add_token_account(SOLANA, SPAM_MINT, 1_000_000_000_000, 9);
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::new()
        .coingecko(crate::support::fresh_prices_from(&coingecko))
        .providers(ProviderOverrides {
            solana_rpc: Some(rpc.url()),
            timeout: Some(Duration::from_secs(1)),
            ..ProviderOverrides::default()
        })
        .create(dir.path())
        .await;
    let error = app
        .add_wallet(NewWallet {
            chain: WalletChain::Solana,
            ..bitcoin("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045", "Not Solana")
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    let wallet = app
        .add_wallet(NewWallet {
            chain: WalletChain::Solana,
            ..bitcoin(SOLANA, "Phantom")
        })
        .await
        .unwrap();
    assert_eq!(wallet.first_address.as_deref(), Some(SOLANA));

    let report = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!(report.error, None);
    let sol = |r: &crypto_balance_core::wallets::ScanReport| {
        r.coins
            .iter()
            .find(|c| c.coin == "solana")
            .map_or_else(|| "0".to_owned(), |c| c.amount.to_string())
    };
    assert_eq!(sol(report), "2.5");
    assert_eq!(report.height, Some(250_000_000));
    let usdc = report.coins.iter().find(|c| c.coin == "usd-coin");
    assert_eq!(usdc.map(|c| c.amount.to_string()).as_deref(), Some("5"));
    assert_eq!(report.changes.added, 2, "SOL and USDC");
    let spam = &report.unpriced_tokens;
    assert_eq!(spam.len(), 1, "{spam:?}");
    assert_eq!(
        (spam[0].token.as_str(), spam[0].amount.as_str()),
        (SPAM_MINT, "1000")
    );
    assert_eq!(report.requests, 2);
    let listed = &app.wallets().await.unwrap()[0];
    assert_eq!(&listed.unpriced_tokens, spam, "kept with the wallet");

    // The same balance at a later slot adds nothing; a new one adds one adjustment.
    rpc.set_slot(250_000_100);
    let again = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!((again.changes.added, sol(again).as_str()), (0, "2.5"));
    rpc.set_balance(SOLANA, 1_000_000_000);
    rpc.set_slot(250_000_200);
    let spent = &app.scan_wallets(None).await.unwrap()[0];
    assert_eq!((spent.changes.added, sol(spent).as_str()), (1, "1"));

    let log = app.privacy_log(100).await.unwrap();
    let asked: Vec<_> = log.iter().filter(|r| r.provider == "solana-rpc").collect();
    assert_eq!(asked.len(), rpc.requests().len());
    assert!(asked
        .iter()
        .any(|r| r.asked == format!("getBalance ({SOLANA} of wallet 'Phantom')")));

    rpc.fail_next(&[chain_fake::Failure::Status(500); 3]);
    let failed = &app.scan_wallets(None).await.unwrap()[0];
    let error = failed.error.as_deref().expect("the scan failed");
    assert!(
        error.contains(&format!("The Solana RPC server at {}", rpc.url())),
        "{error}"
    );
    assert_eq!(sol(failed), "1", "the ledger is as it was");
}
