//! Commands for watch-only wallets. Core publishes `accounts-changed`, `holdings-changed` and
//! `wallet-scanned`; the UI re-reads.

use std::sync::Arc;

use crypto_balance_core::app::WalletPreview;
use crypto_balance_core::wallets::{
    NewWallet, ScanReport, Wallet, WalletChain, WalletChange, WalletSettings,
};
use crypto_balance_core::{App, ErrorReport};
use tauri::State;

core_commands! {
    fn list_wallets(app: App) -> Vec<Wallet> = app.wallets();
    fn add_wallet(app: App, wallet: NewWallet) -> Wallet = app.add_wallet(wallet);
    /// Scans one wallet, or all of them when `name` is absent.
    fn scan_wallets(app: App, name: Option<String>) -> Vec<ScanReport> =
        app.scan_wallets(name.as_deref());
    fn remove_wallet(app: App, name: String) -> Wallet = app.remove_wallet(&name);
    fn wallet_settings(app: App) -> WalletSettings = app.wallet_settings();
    fn set_wallet_settings(app: App, settings: WalletSettings) -> WalletSettings =
        app.set_wallet_settings(&settings);
    /// Renames a wallet, or changes its gap limit (Bitcoin) or chains (EVM).
    fn edit_wallet(app: App, name: String, change: WalletChange) -> Wallet =
        app.edit_wallet(&name, &change);
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
