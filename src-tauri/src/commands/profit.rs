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

core_commands! {
    fn profit_loss(app: App, query: ProfitQuery) -> ProfitLoss = app.profit_loss(&query);
    fn coin_lots(app: App, coin: String) -> CoinLots = app.coin_lots(&coin, None);
    fn gains_report(app: App, query: ProfitQuery) -> GainsReport = app.gains(&query);
    fn cost_settings(app: App) -> CostSettings = app.cost_settings();
    fn set_cost_settings(app: App, settings: CostSettings) -> () = app.set_cost_settings(settings);
    /// Net worth and money put in per day from the first entry (or `from`), for the portfolio or
    /// one coin or account, with gaps where a price is missing.
    fn daily_history(app: App, query: HistoryQuery) -> Vec<DayValue> = app.daily_history(&query);
    /// Fetches missing daily prices; `backfill-progress` events follow each call.
    fn backfill(app: App) -> BackfillReport = app.backfill(|_| {});
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
