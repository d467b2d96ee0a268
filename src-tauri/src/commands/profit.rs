//! Commands for profit and loss: the figures by the saved (or a chosen) cost-basis method, a
//! coin's open lots, the gains report and its CSV, and the method setting. Changing the method
//! publishes `holdings-changed`, so every screen showing a figure re-reads.

use std::path::PathBuf;
use std::sync::Arc;

use crypto_balance_core::app::{BackfillReport, CoinLots, GainsReport, HistoryQuery, ProfitQuery};
use crypto_balance_core::lots::history::DayValue;
use crypto_balance_core::lots::load::CostSettings;
use crypto_balance_core::lots::summary::ProfitLoss;
use crypto_balance_core::{App, ErrorReport};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn profit_loss(
    app: State<'_, Arc<App>>,
    query: ProfitQuery,
) -> Result<ProfitLoss, ErrorReport> {
    Ok(app.profit_loss(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn coin_lots(app: State<'_, Arc<App>>, coin: String) -> Result<CoinLots, ErrorReport> {
    Ok(app.coin_lots(&coin, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn gains_report(
    app: State<'_, Arc<App>>,
    query: ProfitQuery,
) -> Result<GainsReport, ErrorReport> {
    Ok(app.gains(&query).await?)
}

/// Writes the gains report as CSV to `path` (replaced whole); returns the rows written.
#[tauri::command]
#[specta::specta]
pub async fn export_gains(
    app: State<'_, Arc<App>>,
    query: ProfitQuery,
    path: PathBuf,
) -> Result<u32, ErrorReport> {
    let rows = app.export_gains(&query, &path).await?;
    Ok(u32::try_from(rows).unwrap_or(u32::MAX))
}

#[tauri::command]
#[specta::specta]
pub async fn cost_settings(app: State<'_, Arc<App>>) -> Result<CostSettings, ErrorReport> {
    Ok(app.cost_settings().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_cost_settings(
    app: State<'_, Arc<App>>,
    settings: CostSettings,
) -> Result<(), ErrorReport> {
    Ok(app.set_cost_settings(settings).await?)
}

/// Net worth and money put in per day from the first entry (or `from`), for the portfolio or
/// one coin or account, with gaps where a price is missing.
#[tauri::command]
#[specta::specta]
pub async fn daily_history(
    app: State<'_, Arc<App>>,
    query: HistoryQuery,
) -> Result<Vec<DayValue>, ErrorReport> {
    Ok(app.daily_history(&query).await?)
}

/// Fetches missing daily prices; `backfill-progress` events follow each call.
#[tauri::command]
#[specta::specta]
pub async fn backfill(app: State<'_, Arc<App>>) -> Result<BackfillReport, ErrorReport> {
    Ok(app.backfill(|_| {}).await?)
}
