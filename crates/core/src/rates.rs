//! Rates: the CoinGecko client, exact number parsing, the in-memory freshness cache (moka) and
//! the last known prices on disk, the coin catalog, price history, and the sync budget.
//!
//! - [`plan`]: hosts, key headers and limits per plan.
//! - [`client`]: HTTP calls with batching and timeouts; [`api_error`]: every error shape;
//!   [`response`]: answers read into exact quotes and chart points.
//! - [`number`]: JSON number text to `Decimal` without losing a digit.
//! - [`db`]: rates, history, overrides, catalog and usage in the encrypted database.
//! - [`budget`]: the interval that keeps within a plan's limits.
//! - [`llama`]: DefiLlama's daily prices, for days older than the plan reaches.
//! - `catalog`: the coin catalog, daily, and coins looked up one at a time (`/search`).

pub mod api_error;
pub mod budget;
mod catalog;
pub mod client;
pub mod db;
pub mod llama;
pub mod number;
pub mod response;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use tokio::sync::Mutex;

pub use crate::currency::{Currency, SUPPORTED_VS_CURRENCIES};
pub use crate::plan::Plan;
pub use api_error::{ApiError, RetryPolicy};
pub use client::{ClientConfig, CoinGeckoClient, FetchedQuote, Listing};
pub use db::StoredRate;

use crate::calls::RequestLog;
use crate::coin::CoinId;
use crate::secret::ApiKey;
use crate::settings::{self, RatesSettings};
use crate::store::{Store, StoreError};

/// The coin whose price in every currency gives fiat cross rates: fetched whenever another fiat
/// than the base is held, and divided through by [`crate::valuation`].
pub const CROSS_COIN: &str = "bitcoin";

/// What the shell's environment says, overriding stored settings (`CRYPTO_BALANCE_COINGECKO_*`).
#[derive(Debug, Clone, Default)]
pub struct CoinGeckoOverrides {
    pub base_url: Option<String>,
    pub plan: Option<Plan>,
    pub api_key: Option<ApiKey>,
    /// Per-call timeout; `None` means the client's default.
    pub timeout: Option<Duration>,
    /// How long fetched prices count as fresh (not fetched again); `None`, always in the app,
    /// means CoinGecko's own cache time for the plan. Tests shorten it to drive many cycles.
    pub freshness: Option<Duration>,
    /// Replaces DefiLlama's host (`CRYPTO_BALANCE_DEFILLAMA_URL`). With `base_url` set and this
    /// not, DefiLlama is not asked at all: a local CoinGecko stand-in means no outside calls.
    pub defillama_url: Option<String>,
}

/// Why days older than the plan reaches cannot be fetched.
pub const OLDER_OFF: &str =
    "DefiLlama is not asked while CoinGecko's host is overridden (set CRYPTO_BALANCE_DEFILLAMA_URL)";

#[derive(Debug, thiserror::Error)]
pub enum RatesError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RatesError {
    pub fn retry_policy(&self) -> RetryPolicy {
        match self {
            RatesError::Api(e) => e.retry_policy(),
            RatesError::Store(_) => RetryPolicy::Backoff,
        }
    }
}

/// What one refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// CoinGecko calls made (each costs a credit).
    pub calls: u32,
    /// Prices stored.
    pub updated: usize,
    /// Held coins CoinGecko has no price for.
    pub missing: Vec<CoinId>,
    /// Held coins whose prices were still fresh in the cache, so not fetched.
    pub fresh: usize,
}

/// A client for the current settings, with its freshness cache.
#[derive(Debug)]
struct Connection {
    plan: Plan,
    base_url: Option<String>,
    key: Option<ApiKey>,
    client: CoinGeckoClient,
    /// (coin, currency) pairs fetched within the plan's upstream cache time.
    fresh: Cache<(String, String), ()>,
}

/// Coins and currencies to price besides the holdings (what alert rules watch), named by the
/// caller so that rates need not know what watches them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlsoPriced {
    pub coins: Vec<String>,
    pub currencies: Vec<String>,
}

/// The rates side of the app: one per [`crate::App`].
#[derive(Debug)]
pub struct Rates {
    overrides: CoinGeckoOverrides,
    connection: Mutex<Option<Arc<Connection>>>,
    searches: Cache<String, Arc<Vec<Listing>>>,
    calls: Arc<AtomicU32>,
    /// The second source, or why there is none: built on first use, not at start-up.
    older: std::sync::OnceLock<Result<llama::LlamaClient, String>>,
    /// Where each request is noted for the vault's privacy log.
    log: Arc<RequestLog>,
}

impl Rates {
    pub fn new(overrides: CoinGeckoOverrides, log: Arc<RequestLog>) -> Self {
        Self {
            log,
            older: std::sync::OnceLock::new(),
            overrides,
            connection: Mutex::new(None),
            searches: Cache::builder()
                .max_capacity(256)
                .time_to_live(catalog::SEARCH_TTL)
                .build(),
            calls: Arc::new(AtomicU32::new(0)),
        }
    }

    /// The plan in force: the environment's, else the stored setting.
    pub fn plan(&self, settings: &RatesSettings) -> Plan {
        self.overrides.plan.unwrap_or(settings.plan)
    }

    /// The client for the current settings, rebuilt (with a fresh cache) when they change.
    async fn connection(&self, store: &Store) -> Result<Arc<Connection>, RatesError> {
        let stored = settings::load(store).await?;
        let plan = self.plan(&stored);
        let key = match &self.overrides.api_key {
            Some(key) => Some(key.clone()),
            None => settings::api_key(store).await?,
        };
        let base_url = self.overrides.base_url.clone();
        let mut slot = self.connection.lock().await;
        if let Some(current) = slot.as_ref() {
            let same_key =
                current.key.as_ref().map(ApiKey::expose) == key.as_ref().map(ApiKey::expose);
            if current.plan == plan && current.base_url == base_url && same_key {
                return Ok(current.clone());
            }
        }
        let client = CoinGeckoClient::new(ClientConfig {
            plan,
            api_key: key.clone(),
            base_url: base_url.clone(),
            timeout: self.overrides.timeout,
        })?
        .counting(self.calls.clone())
        .logging(self.log.clone());
        let connection = Arc::new(Connection {
            plan,
            base_url,
            key,
            client,
            fresh: Cache::builder()
                .max_capacity(100_000)
                // No shorter than CoinGecko's own cache: asking sooner returns the same numbers.
                .time_to_live(self.overrides.freshness.unwrap_or(plan.upstream_cache()))
                .build(),
        });
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// HTTP calls made since this app started.
    pub fn calls_made(&self) -> u32 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Fetches prices for every held coin in the base currency and the held fiat currencies,
    /// skipping those still fresh, stores them, refreshes the coin catalog when due, and counts
    /// the calls against the month's budget.
    pub async fn refresh(
        &self,
        store: &Store,
        also: &AlsoPriced,
        now: i64,
    ) -> Result<RefreshReport, RatesError> {
        let stored = settings::load(store).await?;
        let (coins, currencies) = wanted(store, &stored.base_currency, also).await?;
        let connection = self.connection(store).await?;
        let before = self.calls_made();
        let result = self
            .fetch_prices(&connection, store, &coins, &currencies, now)
            .await;
        if result.is_ok() {
            self.refresh_catalog_if_due(&connection, store, now).await;
        }
        let calls = self.calls_made().wrapping_sub(before);
        db::add_calls(store, &budget::month_key(now), calls).await?;
        let mut report = result?;
        report.calls = calls;
        Ok(report)
    }

    async fn fetch_prices(
        &self,
        connection: &Connection,
        store: &Store,
        coins: &[String],
        currencies: &[String],
        now: i64,
    ) -> Result<RefreshReport, RatesError> {
        let stale: Vec<String> = coins
            .iter()
            .filter(|coin| {
                currencies.iter().any(|cur| {
                    !connection
                        .fresh
                        .contains_key(&((*coin).clone(), cur.clone()))
                })
            })
            .cloned()
            .collect();
        let mut report = RefreshReport {
            fresh: coins.len() - stale.len(),
            ..RefreshReport::default()
        };
        if stale.is_empty() {
            return Ok(report);
        }
        let fetched = connection.client.simple_price(&stale, currencies).await?;
        report.updated = db::save_quotes(store, &fetched.quotes, now).await?;
        let base = currencies.first().map(String::as_str).unwrap_or_default();
        for coin in &stale {
            let priced = fetched
                .quotes
                .iter()
                .any(|q| q.coin == *coin && q.currency == base && q.price.is_some());
            if !priced {
                report.missing.push(CoinId::from_stored(coin.clone()));
            }
            for currency in currencies {
                connection
                    .fresh
                    .insert((coin.clone(), currency.clone()), ())
                    .await;
            }
        }
        Ok(report)
    }

    /// Fetches and stores a coin's prices from `from` to `to` (one call), counted against the
    /// month's budget. Returns the points stored.
    pub async fn fetch_range(
        &self,
        store: &Store,
        coin: &str,
        currency: &str,
        (from, to): (i64, i64),
        now: i64,
    ) -> Result<usize, RatesError> {
        let connection = self.connection(store).await?;
        let before = self.calls_made();
        let result = connection
            .client
            .market_chart_range(coin, currency, from, to)
            .await;
        let calls = self.calls_made().wrapping_sub(before);
        db::add_calls(store, &budget::month_key(now), calls).await?;
        let points = result?;
        let resource = range_resource(coin, currency, from);
        db::save_history(store, coin, currency, &points, &resource, now).await?;
        Ok(points.len())
    }

    /// DefiLlama's client for days older than the plan reaches, or why it is not asked.
    pub fn older_source(&self) -> Result<&llama::LlamaClient, &str> {
        let older = self.older.get_or_init(|| {
            match (&self.overrides.defillama_url, &self.overrides.base_url) {
                (None, Some(_)) => Err(OLDER_OFF.to_owned()),
                (url, _) => llama::LlamaClient::new(url.as_deref(), self.overrides.timeout)
                    .map(|client| client.logging(self.log.clone()))
                    .map_err(|e| e.to_string()),
            }
        });
        older.as_ref().map_err(String::as_str)
    }

    /// Fetches and stores a coin's US-dollar prices for `days` days from `first_day` from
    /// DefiLlama (one call, not counted against CoinGecko's budget). Returns the points stored.
    pub async fn fetch_older(
        &self,
        store: &Store,
        coin: &str,
        (first_day, days): (i64, u32),
        now: i64,
    ) -> Result<usize, OlderError> {
        let client = self
            .older_source()
            .map_err(|why| OlderError::Off(why.to_owned()))?;
        let points = client.daily(coin, first_day, days).await?;
        let resource = older_resource(coin, first_day, first_day + i64::from(days) - 1);
        db::save_history(store, coin, llama::CURRENCY, &points, &resource, now).await?;
        Ok(points.len())
    }

    /// Price points of `coin` over the last `days`, from the database when a download is recent
    /// enough (CoinGecko's own cache times), else from `/market_chart`.
    pub async fn history(
        &self,
        store: &Store,
        coin: &str,
        currency: &str,
        days: u32,
        now: i64,
    ) -> Result<Vec<(i64, rust_decimal::Decimal)>, RatesError> {
        let resource = format!("chart:{coin}:{currency}:{days}");
        let max_age = match days {
            1 => 5 * 60,
            2..=90 => 30 * 60,
            _ => 12 * 3_600,
        };
        let since = now - i64::from(days) * 86_400;
        let last = db::fetched_at(store, &resource).await?;
        if last.is_none_or(|at| now - at >= max_age) {
            let connection = self.connection(store).await?;
            match connection.client.market_chart(coin, currency, days).await {
                Ok(points) => {
                    db::save_history(store, coin, currency, &points, &resource, now).await?;
                }
                Err(error) => {
                    // Offline or throttled: the cached points are better than nothing. A request
                    // the plan refuses stays an error, so the user learns why.
                    let cached = db::history(store, coin, currency, since).await?;
                    if cached.is_empty() || error.retry_policy() == RetryPolicy::NeedsUser {
                        return Err(error.into());
                    }
                    tracing::info!(%error, "chart download failed; showing the cached points");
                    return Ok(cached);
                }
            }
        }
        Ok(db::history(store, coin, currency, since).await?)
    }
}

/// The fetch log's name for a DefiLlama range, and for a CoinGecko one.
pub fn older_resource(coin: &str, first_day: i64, last_day: i64) -> String {
    format!("llama:{coin}:{first_day}:{last_day}")
}

pub fn range_resource(coin: &str, currency: &str, from: i64) -> String {
    format!("range:{coin}:{currency}:{from}")
}

#[derive(Debug, thiserror::Error)]
pub enum OlderError {
    #[error("{0}")]
    Off(String),
    #[error(transparent)]
    Llama(#[from] llama::LlamaError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Held and alert-watched coins (plus bitcoin for fiat cross rates) and the currencies to price
/// them in, the base currency first. Alerts join the same batched request: they cost no calls.
async fn wanted(
    store: &Store,
    base: &str,
    also: &AlsoPriced,
) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let held: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT a.id, a.kind FROM balances b JOIN assets a ON a.id = b.asset_id \
         WHERE b.amount != '0' ORDER BY a.id",
    )
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    let mut coins: BTreeSet<String> = BTreeSet::new();
    let mut currencies: Vec<String> = vec![base.to_owned()];
    for (id, kind) in held {
        if kind == "fiat" {
            if id != base && SUPPORTED_VS_CURRENCIES.contains(&id.as_str()) {
                currencies.push(id);
                coins.insert(CROSS_COIN.to_owned());
            }
        } else {
            coins.insert(id);
        }
    }
    coins.extend(also.coins.iter().cloned());
    for currency in &also.currencies {
        if !currencies.contains(currency) {
            currencies.push(currency.clone());
        }
    }
    Ok((coins.into_iter().collect(), currencies))
}
