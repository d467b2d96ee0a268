//! Set-up the benchmarks share (a folder, so cargo does not take it for a benchmark of its own).

use std::path::PathBuf;
use std::sync::Arc;

use crypto_balance_core::vault::{KdfParams, MemoryKeychain};
use crypto_balance_core::{App, AppConfig, Passphrase};

/// A new vault in `dir`, opened with `config`'s servers: the keychain in memory and the tests'
/// quick key derivation, so a run measures the work and not the set-up.
pub async fn created_app(dir: PathBuf, config: AppConfig) -> App {
    let app = App::open(AppConfig {
        data_dir: Some(dir),
        keychain: Some(Arc::new(MemoryKeychain::default())),
        kdf: Some(KdfParams::insecure_for_tests()),
        ..config
    })
    .unwrap();
    app.create_vault(&Passphrase::new("benchmark passphrase".into()), false)
        .await
        .unwrap();
    app
}
