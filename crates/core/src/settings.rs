//! User settings kept in the encrypted database (so the CoinGecko key never sits in a plain file):
//! base currency, refresh interval, CoinGecko plan and key, and whether DefiLlama may be asked.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::currency::Currency;
use crate::plan::Plan;
use crate::secret::ApiKey;
use crate::store::{Store, StoreError};

const BASE_CURRENCY: &str = "base_currency";
const REFRESH_INTERVAL: &str = "refresh_interval_seconds";
const PLAN: &str = "coingecko_plan";
const API_KEY: &str = "coingecko_api_key";
const ALERTS_PAUSED: &str = "alerts_paused";
const OLDER_PRICES: &str = "older_prices_from_defillama";

pub const DEFAULT_BASE_CURRENCY: &str = "usd";
/// Five minutes: fresh enough to watch a portfolio, and within every plan's budget.
pub const DEFAULT_REFRESH_SECONDS: u32 = 300;
pub const MIN_REFRESH_SECONDS: u32 = 30;
pub const MAX_REFRESH_SECONDS: u32 = 86_400;

/// The rate settings as the UI and `--json` show them (the key itself never leaves the backend).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct RatesSettings {
    pub base_currency: Currency,
    pub refresh_interval_seconds: u32,
    pub plan: Plan,
    pub has_api_key: bool,
    /// Whether a backfill may ask DefiLlama for days older than the plan reaches (on at first).
    pub older_prices: bool,
}

/// A change to the rate settings; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct RatesSettingsChange {
    #[specta(optional)]
    pub base_currency: Option<String>,
    #[specta(optional)]
    pub refresh_interval_seconds: Option<u32>,
    #[specta(optional)]
    pub plan: Option<Plan>,
    /// A new key; an empty string removes the stored key.
    #[specta(optional)]
    pub api_key: Option<String>,
    #[specta(optional)]
    pub older_prices: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("'{0}' is not a currency CoinGecko prices in (e.g. usd, eur, gbp, jpy, btc)")]
    UnknownCurrency(String),
    #[error("the refresh interval must be between {MIN_REFRESH_SECONDS} and {MAX_REFRESH_SECONDS} seconds, not {0}")]
    IntervalOutOfRange(u32),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One settings row's value.
pub(crate) async fn get(store: &Store, key: &str) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(store.pool())
        .await
        .map_err(|e| store.error(e))
}

pub async fn load(store: &Store) -> Result<RatesSettings, StoreError> {
    Ok(RatesSettings {
        // Stored only once parsed; a damaged value falls back like a missing one.
        base_currency: get(store, BASE_CURRENCY)
            .await?
            .and_then(|text| Currency::parse(&text))
            .unwrap_or_else(Currency::usd),
        refresh_interval_seconds: get(store, REFRESH_INTERVAL)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_REFRESH_SECONDS),
        plan: get(store, PLAN)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or_default(),
        has_api_key: get(store, API_KEY).await?.is_some(),
        older_prices: get(store, OLDER_PRICES).await?.as_deref() != Some("0"),
    })
}

pub async fn api_key(store: &Store) -> Result<Option<ApiKey>, StoreError> {
    Ok(get(store, API_KEY).await?.and_then(|k| ApiKey::new(&k)))
}

/// Validates the whole change, then writes it in one transaction.
pub async fn update(store: &Store, change: &RatesSettingsChange) -> Result<(), SettingsError> {
    let mut writes: Vec<(&str, Option<String>)> = Vec::new();
    if let Some(currency) = &change.base_currency {
        let checked = Currency::parse(currency)
            .ok_or_else(|| SettingsError::UnknownCurrency(currency.trim().to_lowercase()))?;
        writes.push((BASE_CURRENCY, Some(checked.to_string())));
    }
    if let Some(seconds) = change.refresh_interval_seconds {
        if !(MIN_REFRESH_SECONDS..=MAX_REFRESH_SECONDS).contains(&seconds) {
            return Err(SettingsError::IntervalOutOfRange(seconds));
        }
        writes.push((REFRESH_INTERVAL, Some(seconds.to_string())));
    }
    if let Some(plan) = change.plan {
        writes.push((PLAN, Some(plan.as_str().to_owned())));
    }
    if let Some(key) = &change.api_key {
        writes.push((API_KEY, ApiKey::new(key).map(|k| k.expose().to_owned())));
    }
    if let Some(on) = change.older_prices {
        writes.push((OLDER_PRICES, Some(if on { "1" } else { "0" }.to_owned())));
    }
    Ok(write_all(store, writes).await?)
}

/// Writes settings rows in one transaction: a value sets its key, `None` removes it.
pub(crate) async fn write_all(
    store: &Store,
    writes: Vec<(&str, Option<String>)>,
) -> Result<(), StoreError> {
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    for (key, value) in writes {
        let query = match value {
            Some(value) => sqlx::query(
                "INSERT INTO settings (key, value) VALUES (?, ?) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value),
            None => sqlx::query("DELETE FROM settings WHERE key = ?").bind(key),
        };
        query.execute(&mut *tx).await.map_err(err)?;
    }
    tx.commit().await.map_err(err)?;
    Ok(())
}

/// Whether every alert is paused (the tray's "Pause alerts").
pub async fn alerts_paused(store: &Store) -> Result<bool, StoreError> {
    Ok(get(store, ALERTS_PAUSED).await?.as_deref() == Some("1"))
}

pub async fn set_alerts_paused(store: &Store, paused: bool) -> Result<(), StoreError> {
    let value = if paused { "1" } else { "0" };
    write_all(store, vec![(ALERTS_PAUSED, Some(value.to_owned()))]).await
}

impl RatesSettings {
    pub fn refresh_interval(&self) -> Duration {
        Duration::from_secs(u64::from(self.refresh_interval_seconds))
    }
}
