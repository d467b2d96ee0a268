//! Helpers shared by the CSV integration tests.

#![allow(dead_code, clippy::unwrap_used)] // each test file uses some of them

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crypto_balance_core::clock::FixedClock;
use crypto_balance_core::vault::{KdfParams, MemoryKeychain};
use crypto_balance_core::{App, AppConfig, Passphrase};

/// A new encrypted vault in `dir`, unlocked, its clock at 2023-11-14.
pub async fn vault(dir: &Path) -> App {
    let app = App::open(AppConfig {
        data_dir: Some(dir.to_path_buf()),
        keychain: Some(Arc::new(MemoryKeychain::default())),
        kdf: Some(KdfParams::insecure_for_tests()),
        clock: Some(Arc::new(FixedClock::at(1_700_000_000))),
        ..AppConfig::default()
    })
    .unwrap();
    app.create_vault(&Passphrase::new("transfer test passphrase".into()), false)
        .await
        .unwrap();
    app
}

pub fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// A fixture from `tests/fixtures/import`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}
