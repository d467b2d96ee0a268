//! Commands for holdings and accounts. Core publishes `holdings-changed` and `accounts-changed`
//! for every change; the UI re-reads.

use std::sync::Arc;

use crypto_balance_core::accounts::{Account, AccountKind};
use crypto_balance_core::holdings::{Holding, HoldingChange, NewHolding};
use crypto_balance_core::ids::BatchId;
use crypto_balance_core::ledger::LedgerEntry;
use crypto_balance_core::{Amount, App, ErrorReport};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_holdings(app: State<'_, Arc<App>>) -> Result<Vec<Holding>, ErrorReport> {
    Ok(app.holdings().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_holding(
    app: State<'_, Arc<App>>,
    holding: NewHolding,
) -> Result<HoldingChange, ErrorReport> {
    Ok(app.add_holding(holding).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_holding(
    app: State<'_, Arc<App>>,
    coin: String,
    amount: Amount,
    account: Option<String>,
) -> Result<HoldingChange, ErrorReport> {
    Ok(app.set_holding(&coin, amount, account.as_deref()).await?)
}

/// Removes a holding; the returned `batch_id` undoes it through [`undo_change`].
#[tauri::command]
#[specta::specta]
pub async fn remove_holding(
    app: State<'_, Arc<App>>,
    coin: String,
    account: Option<String>,
) -> Result<HoldingChange, ErrorReport> {
    Ok(app.remove_holding(&coin, account.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn undo_change(app: State<'_, Arc<App>>, batch_id: BatchId) -> Result<(), ErrorReport> {
    Ok(app.undo(batch_id).await?)
}

/// A coin's newest ledger entries, newest first (at most `limit`, default 200).
#[tauri::command]
#[specta::specta]
pub async fn coin_entries(
    app: State<'_, Arc<App>>,
    coin: String,
    limit: Option<u32>,
) -> Result<Vec<LedgerEntry>, ErrorReport> {
    Ok(app
        .coin_entries(&coin, limit.unwrap_or(200).min(5_000))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_accounts(app: State<'_, Arc<App>>) -> Result<Vec<Account>, ErrorReport> {
    Ok(app.accounts().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_account(
    app: State<'_, Arc<App>>,
    name: String,
    kind: AccountKind,
) -> Result<Account, ErrorReport> {
    Ok(app.create_account(&name, kind).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn rename_account(
    app: State<'_, Arc<App>>,
    old: String,
    new_name: String,
) -> Result<Account, ErrorReport> {
    Ok(app.rename_account(&old, &new_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_account(app: State<'_, Arc<App>>, name: String) -> Result<(), ErrorReport> {
    Ok(app.delete_account(&name).await?)
}
