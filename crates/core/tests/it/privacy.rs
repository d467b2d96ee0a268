//! Who saw what: every request to an outside service is in the vault's privacy log, with what it
//! asked, and stays there after a lock.

use coingecko_fake::FakeCoinGecko;
use crypto_balance_core::notify::ChannelsChange;
use notify_fake::Receivers;

use crate::support::{fresh_prices_from, hold, passphrase, TestApp, PASSPHRASE};

#[tokio::test]
async fn every_request_outside_is_logged_with_what_it_asked() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    let receivers = Receivers::start("unset").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::new()
        .coingecko(fresh_prices_from(&fake))
        .create(dir.path())
        .await;
    assert_eq!(app.privacy_log(10).await.unwrap(), vec![]);
    hold(&app, "bitcoin", "1").await;
    app.sync_cycle().await.unwrap();
    app.update_alert_channels(&ChannelsChange {
        ntfy_url: Some(receivers.ntfy_url("phone")),
        ..ChannelsChange::default()
    })
    .await
    .unwrap();
    app.send_test_alert().await.unwrap();

    let log = app.privacy_log(100).await.unwrap();
    let price = log
        .iter()
        .find(|r| r.asked.starts_with("GET /simple/price?ids="))
        .unwrap_or_else(|| panic!("a price request: {log:?}"));
    assert_eq!(
        (price.provider.as_str(), price.outcome.as_str()),
        ("coingecko", "ok")
    );
    assert!(price.asked.contains("bitcoin"), "{}", price.asked);
    let ntfy = log
        .iter()
        .find(|r| r.provider == "ntfy")
        .expect("the test message");
    assert!(
        ntfy.asked
            .contains("/ntfy/phone: Crypto Balance test message"),
        "{}",
        ntfy.asked
    );
    // Exactly the requests the fakes saw.
    let coingecko = log.iter().filter(|r| r.provider == "coingecko").count();
    assert_eq!(coingecko, fake.requests().len());

    // Kept in the vault across a lock.
    app.lock().await;
    let app = TestApp::new().open(dir.path());
    app.unlock(Some(&passphrase(PASSPHRASE))).await.unwrap();
    assert_eq!(app.privacy_log(100).await.unwrap(), log);
}
