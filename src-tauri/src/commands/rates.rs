//! Commands for rates: the portfolio's value, the sync loop's status, refresh now, settings,
//! manual prices, price history and coin search.

use std::sync::Arc;

use crypto_balance_core::clock::UnixTime;
use crypto_balance_core::rates::Listing;
use crypto_balance_core::settings::{RatesSettings, RatesSettingsChange};
use crypto_balance_core::sync::{SyncCommand, SyncStatus};
use crypto_balance_core::valuation::{NetWorthPoint, Valuation};
use crypto_balance_core::{App, Error, ErrorReport};
use rust_decimal::Decimal;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Runtime, State};

/// One point of a price chart.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PricePoint {
    /// Unix seconds.
    pub at: UnixTime,
    pub price: Decimal,
}

/// The portfolio valued from last known prices (instant: no network). `summary` leaves out the
/// per-account holdings (the portfolio screen needs only the totals, coins and accounts, and a
/// thousand holdings would otherwise cross the IPC bridge for nothing).
#[tauri::command]
#[specta::specta]
pub async fn portfolio_value(
    app: State<'_, Arc<App>>,
    currency: Option<String>,
    summary: Option<bool>,
) -> Result<Valuation, ErrorReport> {
    let mut valuation = app.valuation(currency.as_deref()).await?;
    if summary.unwrap_or(false) {
        valuation.holdings = Vec::new();
    }
    Ok(valuation)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status<R: Runtime>(handle: AppHandle<R>) -> Result<SyncStatus, ErrorReport> {
    Ok(crate::sync::status(&handle).await)
}

/// Asks the loop for a cycle now (prices fresher than CoinGecko's cache are not re-fetched).
#[tauri::command]
#[specta::specta]
pub async fn refresh_rates<R: Runtime>(handle: AppHandle<R>) -> Result<(), ErrorReport> {
    if crate::sync::send(&handle, SyncCommand::RefreshNow).await {
        return Ok(());
    }
    let status = crate::sync::status(&handle).await;
    Err(Error::InvalidInput(
        status
            .message
            .unwrap_or_else(|| "rates are not being refreshed: unlock the vault first".to_owned()),
    )
    .report())
}

core_commands! {
    fn rates_settings(app: App) -> RatesSettings = app.rates_settings();
    /// Sets the user's own price for a coin, or clears it (`price` null).
    fn set_price_override(
        app: App, coin: String, price: Option<Decimal>, currency: Option<String>
    ) -> () = app.set_price_override(&coin, price, currency.as_deref());
    /// The portfolio's recorded totals since `since` (Unix seconds), for the net-worth chart.
    fn net_worth_history(app: App, since: i64) -> Vec<NetWorthPoint> = app.net_worth_history(since);
    fn search_coins(app: App, query: String) -> Vec<Listing> = app.search_coins(&query);
}

/// Changes the settings and refreshes at once so a new currency or key applies.
#[tauri::command]
#[specta::specta]
pub async fn update_rates_settings<R: Runtime>(
    handle: AppHandle<R>,
    app: State<'_, Arc<App>>,
    change: RatesSettingsChange,
) -> Result<RatesSettings, ErrorReport> {
    app.update_rates_settings(&change).await?;
    crate::sync::send(&handle, SyncCommand::RefreshNow).await;
    Ok(app.rates_settings().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn price_history(
    app: State<'_, Arc<App>>,
    coin: String,
    currency: Option<String>,
    days: u32,
) -> Result<Vec<PricePoint>, ErrorReport> {
    let points = app.price_history(&coin, currency.as_deref(), days).await?;
    Ok(points
        .into_iter()
        .map(|(at, price)| PricePoint {
            at: UnixTime::from_seconds(at),
            price,
        })
        .collect())
}
