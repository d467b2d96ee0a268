//! Commands for the vault: first-start creation, unlock, lock, passphrase, app lock, backup.
//! Passphrases arrive as strings, become zeroizing `Passphrase`s at once, and are never logged.

use std::path::PathBuf;
use std::sync::Arc;

use crypto_balance_core::app::UnlockOutcome;
use crypto_balance_core::sync::Refresher;
use crypto_balance_core::{App, ErrorReport, Passphrase, RestoreOutcome, VaultStatus};
use tauri::{AppHandle, Manager, Runtime, State};

/// Whether the vault exists and is open; the UI shows the create or unlock screen from this.
#[tauri::command]
#[specta::specta]
pub async fn vault_status(app: State<'_, Arc<App>>) -> Result<VaultStatus, ErrorReport> {
    Ok(app.status().await)
}

/// At start-up, unlocks from the keychain before the UI asks, so the first screen does not wait
/// for it; with the app lock on, or when the keychain cannot answer, the vault stays locked and
/// the UI asks for the passphrase as before. Rates refresh once the first screen is drawn.
pub async fn unlock_at_start<R: Runtime>(handle: &AppHandle<R>) {
    let app = handle.state::<Arc<App>>();
    if app.status().await != VaultStatus::Locked || app.app_lock().unwrap_or(true) {
        return;
    }
    match app.unlock(None).await {
        Ok(outcome) => {
            if let Some(notice) = outcome.keychain_notice {
                tracing::warn!(%notice, "unlocked at start");
            }
            // Value the portfolio once while the page loads: the database pages it reads are
            // then in memory when the first screen asks.
            if let Err(error) = app.valuation(None).await {
                tracing::debug!(%error, "no valuation at start");
            }
            crate::first_screen::after(handle, |handle| async move {
                // Locked again in the meantime: unlocking starts the loop then.
                if handle.state::<Arc<App>>().status().await == VaultStatus::Unlocked {
                    crate::sync::start(&handle).await;
                }
            });
        }
        Err(error) => tracing::debug!(%error, "not unlocked at start; the UI will ask"),
    }
}

core_commands! {
    /// First start: creates the vault protected by `passphrase`; refreshing starts with it.
    fn create_vault(refresher: Refresher, passphrase: String, use_keychain: bool) -> UnlockOutcome =
        refresher.create_vault(&Passphrase::new(passphrase), use_keychain);
    /// Unlocks silently from the keychain (no passphrase), or with the passphrase; refreshing
    /// starts with it.
    fn unlock_vault(refresher: Refresher, passphrase: Option<String>) -> UnlockOutcome =
        refresher.unlock(passphrase.map(Passphrase::new).as_ref());
    /// Changes the passphrase and re-encrypts everything under a new key (core publishes how far
    /// it is as `passphrase-progress`), with refreshing paused meanwhile.
    fn change_passphrase(refresher: Refresher, old: String, new_passphrase: String) -> () =
        refresher.change_passphrase(&Passphrase::new(old), &Passphrase::new(new_passphrase));
    /// Replaces all data with the backup at `path`; the backup's passphrase opens the vault from
    /// then on, and the old files are kept in a new `before-restore-…` folder.
    fn restore_from(refresher: Refresher, path: PathBuf, passphrase: String) -> RestoreOutcome =
        refresher.restore(&path, &Passphrase::new(passphrase));
    fn set_app_lock(app: App, passphrase: String, locked: bool) -> () =
        app.set_app_lock(&Passphrase::new(passphrase), locked);
    /// Writes an encrypted backup to `path`; returns its size in bytes.
    fn backup_to(app: App, path: PathBuf) -> u64 = app.backup(&path);
}

/// "Lock now": stops refreshing rates and closes the database (the events bridge clears the
/// tray's total). Until the app restarts only the passphrase opens the vault again; a reloaded
/// page cannot.
#[tauri::command]
#[specta::specta]
pub async fn lock_vault(refresher: State<'_, Arc<Refresher>>) -> Result<(), ErrorReport> {
    refresher.lock_now().await;
    Ok(())
}

/// Whether the passphrase is asked at every start.
#[tauri::command]
#[specta::specta]
pub async fn app_lock(app: State<'_, Arc<App>>) -> Result<bool, ErrorReport> {
    Ok(app.app_lock()?)
}
