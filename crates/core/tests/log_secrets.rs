//! Whatever the log level, the log never holds the data key, the passphrase or a holding: with
//! every event of every crate recorded (TRACE), a vault is created, a holding added, and the vault
//! locked and unlocked from the keychain. Its own test binary: it installs the global subscriber.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed expectation is a failed test

use std::io::Write;
use std::sync::{Arc, Mutex};

use crypto_balance_core::holdings::NewHolding;
use crypto_balance_core::secret::DataKey;
use crypto_balance_core::vault::{KdfParams, Keychain, KeychainError, MemoryKeychain};
use crypto_balance_core::{App, AppConfig, Passphrase};

const PASSPHRASE: &str = "correct horse battery staple";
const ACCOUNT: &str = "Cold Storage Vault QWERTY-8842";
const AMOUNT: &str = "12345.678901234567891234";
const NOTE: &str = "Grandmother's paper wallet ZQXJ-7731";

/// Everything every crate logs, as text.
#[derive(Clone, Default)]
struct Recorded(Arc<Mutex<Vec<u8>>>);

impl Write for Recorded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A memory keychain that also remembers the data key it was given, in hex, to look for it.
#[derive(Debug, Default)]
struct WatchedKeychain {
    inner: MemoryKeychain,
    seen: Mutex<Vec<String>>,
}

impl Keychain for WatchedKeychain {
    fn load(&self, key_id: &str) -> Result<Option<DataKey>, KeychainError> {
        self.inner.load(key_id)
    }

    fn store(&self, key_id: &str, key: &DataKey) -> Result<(), KeychainError> {
        self.seen
            .lock()
            .expect("seen")
            .push(hex::encode(key.expose()));
        self.inner.store(key_id, key)
    }

    fn delete(&self, key_id: &str) -> Result<(), KeychainError> {
        self.inner.delete(key_id)
    }
}

#[tokio::test]
async fn no_secret_or_holding_reaches_the_log_even_at_trace_level() {
    let recorded = Recorded::default();
    let writer = recorded.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let dir = tempfile::tempdir().expect("temp dir");
    let keychain = Arc::new(WatchedKeychain::default());
    let app = App::open(AppConfig {
        data_dir: Some(dir.path().to_path_buf()),
        keychain: Some(keychain.clone()),
        kdf: Some(KdfParams::insecure_for_tests()),
        ..AppConfig::default()
    })
    .expect("opens");
    app.create_vault(&Passphrase::new(PASSPHRASE.to_owned()), true)
        .await
        .expect("creates the vault");
    app.add_holding(NewHolding {
        coin: "bitcoin".into(),
        amount: AMOUNT.parse().expect("amount"),
        account: Some(ACCOUNT.into()),
        note: Some(NOTE.into()),
        ..NewHolding::default()
    })
    .await
    .expect("adds");
    app.lock().await;
    app.unlock(None).await.expect("unlocks from the keychain");
    app.holdings().await.expect("lists");
    app.lock().await;

    let log = String::from_utf8_lossy(&recorded.0.lock().expect("log buffer")).into_owned();
    assert!(
        log.contains("app opened"),
        "the log was not recorded: {log}"
    );
    let keys = keychain.seen.lock().expect("seen").clone();
    assert!(
        !keys.is_empty(),
        "the data key was never stored in the keychain"
    );
    for secret in keys
        .iter()
        .map(String::as_str)
        .chain([PASSPHRASE, ACCOUNT, AMOUNT, NOTE])
    {
        assert!(
            !log.to_lowercase().contains(&secret.to_lowercase()),
            "the log holds '{secret}'"
        );
    }
    assert!(!log.contains("PRAGMA key"), "the log shows the key pragma");
}
