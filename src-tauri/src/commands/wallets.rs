//! Commands for watch-only wallets. Core publishes `accounts-changed`, `holdings-changed` and
//! `wallet-scanned`; the UI re-reads.

use std::sync::Arc;

use crypto_balance_core::app::WalletPreview;
use crypto_balance_core::wallets::{
    NewWallet, ScanReport, Wallet, WalletChain, WalletChange, WalletSettings,
};
use crypto_balance_core::{App, ErrorReport};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_wallets(app: State<'_, Arc<App>>) -> Result<Vec<Wallet>, ErrorReport> {
    Ok(app.wallets().await?)
}

/// Checks what is being typed (a secret is refused here too); nothing is stored.
#[tauri::command]
#[specta::specta]
pub fn preview_wallet(
    app: State<'_, Arc<App>>,
    chain: WalletChain,
    watch: String,
    choice: Option<String>,
) -> Result<WalletPreview, ErrorReport> {
    Ok(app.preview_wallet(chain, &watch, choice.as_deref())?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_wallet(
    app: State<'_, Arc<App>>,
    wallet: NewWallet,
) -> Result<Wallet, ErrorReport> {
    Ok(app.add_wallet(wallet).await?)
}

/// Scans one wallet, or all of them when `name` is absent.
#[tauri::command]
#[specta::specta]
pub async fn scan_wallets(
    app: State<'_, Arc<App>>,
    name: Option<String>,
) -> Result<Vec<ScanReport>, ErrorReport> {
    Ok(app.scan_wallets(name.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_wallet(app: State<'_, Arc<App>>, name: String) -> Result<Wallet, ErrorReport> {
    Ok(app.remove_wallet(&name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn wallet_settings(app: State<'_, Arc<App>>) -> Result<WalletSettings, ErrorReport> {
    Ok(app.wallet_settings().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_wallet_settings(
    app: State<'_, Arc<App>>,
    settings: WalletSettings,
) -> Result<WalletSettings, ErrorReport> {
    Ok(app.set_wallet_settings(&settings).await?)
}

/// Renames a wallet, or changes its gap limit (Bitcoin) or chains (EVM).
#[tauri::command]
#[specta::specta]
pub async fn edit_wallet(
    app: State<'_, Arc<App>>,
    name: String,
    change: WalletChange,
) -> Result<Wallet, ErrorReport> {
    Ok(app.edit_wallet(&name, &change).await?)
}
