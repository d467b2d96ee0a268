//! The CoinGecko HTTP client (reqwest + rustls): the plan's host and key header, a timeout on every
//! call, `/simple/price` in as few calls as URL limits allow, and exact numbers throughout.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::api_error::ApiError;
use super::response::{malformed, parse_chart, parse_simple_price};
pub use crate::assets::Listing;
use crate::calls::{self, read_capped, CallOutcome, Provider, RequestLog, Unread};
use crate::plan::Plan;
use crate::secret::ApiKey;

/// How to reach CoinGecko.
#[derive(Debug, Clone, Default)]
pub struct ClientConfig {
    pub plan: Plan,
    pub api_key: Option<ApiKey>,
    /// Replaces the plan's host (`CRYPTO_BALANCE_COINGECKO_URL`), e.g. a local fake.
    pub base_url: Option<String>,
    /// Per call; `None` means [`DEFAULT_TIMEOUT`].
    pub timeout: Option<Duration>,
}

/// Long enough for a 2 MB coin list on a slow line, short enough that a hung call ends.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest answer read (32 MiB): the full coin list with platforms is about 10 MB; a larger
/// body is refused as it streams in, never held whole.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Bounds on one `/simple/price` call. CoinGecko documents no cap on `ids`; its own tutorial sends
/// up to 515, and front servers answer 414 to long URLs (8 KiB is a common limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    pub max_ids: usize,
    pub max_url_length: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        Self {
            max_ids: 500,
            max_url_length: 8_000,
        }
    }
}

/// One price as fetched: `price` is `None` when CoinGecko sent `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedQuote {
    pub coin: String,
    pub currency: String,
    pub price: Option<Decimal>,
    pub change_24h: Option<Decimal>,
    /// Unix seconds, when CoinGecko last updated the price.
    pub last_updated_at: Option<i64>,
}

/// What a `/simple/price` refresh brought back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchedPrices {
    pub quotes: Vec<FetchedQuote>,
    /// HTTP calls made (each costs a credit).
    pub calls: u32,
}

/// A CoinGecko client for one plan and key.
#[derive(Debug, Clone)]
pub struct CoinGeckoClient {
    http: reqwest::Client,
    base_url: String,
    plan: Plan,
    api_key: Option<ApiKey>,
    limits: BatchLimits,
    /// Counts every HTTP call made (each costs a credit).
    calls: Arc<AtomicU32>,
    /// Where each request is noted for the privacy log.
    log: Option<Arc<RequestLog>>,
}

impl CoinGeckoClient {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let timeout = config.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let http = http_builder(timeout)
            // reqwest drops `Authorization` on a cross-host redirect but not our key header: a
            // redirect is followed only within the configured scheme, host and port.
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let same_origin = attempt
                    .previous()
                    .first()
                    .is_some_and(|first| same_origin(first, attempt.url()));
                if same_origin && attempt.previous().len() < 5 {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .build()
            .map_err(|e| ApiError::from_transport(&e))?;
        let base_url = base_url(config.base_url.as_deref(), config.plan.base_url());
        Ok(Self {
            http,
            base_url,
            plan: config.plan,
            api_key: config.api_key,
            limits: BatchLimits::default(),
            calls: Arc::new(AtomicU32::new(0)),
            log: None,
        })
    }

    /// Counts this client's calls in `counter`.
    pub fn counting(mut self, counter: Arc<AtomicU32>) -> Self {
        self.calls = counter;
        self
    }

    /// Notes each request in `log` (the vault's privacy log).
    pub fn logging(mut self, log: Arc<RequestLog>) -> Self {
        self.log = Some(log);
        self
    }

    /// Calls made through this client's counter.
    pub fn calls_made(&self) -> u32 {
        self.calls.load(Ordering::Relaxed)
    }

    pub fn with_limits(mut self, limits: BatchLimits) -> Self {
        self.limits = limits;
        self
    }

    pub fn plan(&self) -> Plan {
        self.plan
    }

    /// GETs `path?query` and returns the body of a 2xx answer.
    async fn get(&self, path: &str, query: &str) -> Result<String, ApiError> {
        let mut url = format!("{}{path}", self.base_url);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        let mut request = self.http.get(&url).header("accept", "application/json");
        let sent_key = match (self.plan.key_header(), &self.api_key) {
            (Some(header), Some(key)) => {
                request = request.header(header, key.expose());
                true
            }
            (Some(_), None) => return Err(ApiError::KeyMissing),
            (None, _) => false,
        };
        self.calls.fetch_add(1, Ordering::Relaxed);
        let asked = format!(
            "GET {path}{}{query}",
            if query.is_empty() { "" } else { "?" }
        );
        let note = |outcome| calls::sent(self.log.as_deref(), Provider::CoinGecko, &asked, outcome);
        let response = request.send().await.map_err(|e| {
            note(CallOutcome::Unreachable);
            ApiError::from_transport(&e)
        })?;
        let status = response.status().as_u16();
        note(CallOutcome::of_status(status));
        if (300..400).contains(&status) {
            let to = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| response.url().join(v).ok())
                .and_then(|url| url.host_str().map(str::to_owned))
                .unwrap_or_else(|| "an unknown host".to_owned());
            tracing::warn!(status, path, to = %to, "a redirect off the configured host was refused");
            return Err(ApiError::Redirected(to));
        }
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = read_capped(response, MAX_BODY_BYTES).await?;
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            tracing::debug!(status, path, "CoinGecko refused a request");
            Err(ApiError::from_response(
                status,
                retry_after.as_deref(),
                &body,
                sent_key,
            ))
        }
    }

    /// `/ping`: checks the plan, key and host in one cheap call.
    pub async fn ping(&self) -> Result<(), ApiError> {
        self.get("/ping", "").await.map(|_| ())
    }

    /// Prices of `coins` in `currencies`, with 24h change and update time, in the fewest calls the
    /// URL limits allow. A 414 splits the batch and tries again.
    pub async fn simple_price(
        &self,
        coins: &[String],
        currencies: &[String],
    ) -> Result<FetchedPrices, ApiError> {
        let vs = join_encoded(currencies.iter().map(String::as_str));
        let fixed = format!(
            "{}/simple/price?ids=&vs_currencies={vs}&include_24hr_change=true&include_last_updated_at=true&precision=full",
            self.base_url
        )
        .len();
        let mut pending: VecDeque<Vec<&str>> = batches(coins, fixed, self.limits).into();
        let mut fetched = FetchedPrices::default();
        while let Some(batch) = pending.pop_front() {
            let query = format!(
                "ids={}&vs_currencies={vs}&include_24hr_change=true&include_last_updated_at=true&precision=full",
                join_encoded(batch.iter().copied())
            );
            let before = self.calls_made();
            let result = self.get("/simple/price", &query).await;
            fetched.calls += self.calls_made().wrapping_sub(before);
            match result {
                Ok(body) => fetched
                    .quotes
                    .extend(parse_simple_price(&body, currencies)?),
                Err(ApiError::UriTooLong) if batch.len() > 1 => {
                    let (left, right) = batch.split_at(batch.len() / 2);
                    pending.push_front(right.to_vec());
                    pending.push_front(left.to_vec());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(fetched)
    }

    /// `/simple/supported_vs_currencies`.
    pub async fn supported_vs_currencies(&self) -> Result<Vec<String>, ApiError> {
        let body = self.get("/simple/supported_vs_currencies", "").await?;
        serde_json::from_str(&body).map_err(|e| malformed(&e))
    }

    /// `/coins/list`: every coin's id, symbol and name, with its token contracts by platform
    /// (well over 10,000 coins; fetch rarely).
    pub async fn coins_list(&self) -> Result<Vec<Listing>, ApiError> {
        let body = self.get("/coins/list", "include_platform=true").await?;
        serde_json::from_str(&body).map_err(|e| malformed(&e))
    }

    /// `/coins/markets`: one page of coins by market cap (at most 250 per page).
    pub async fn top_coins(&self, currency: &str, page: u32) -> Result<Vec<Listing>, ApiError> {
        let query = format!(
            "vs_currency={}&order=market_cap_desc&per_page=250&page={page}",
            encode(currency)
        );
        let body = self.get("/coins/markets", &query).await?;
        serde_json::from_str(&body).map_err(|e| malformed(&e))
    }

    /// `/search`: coins matching `query`, by market cap.
    pub async fn search(&self, query: &str) -> Result<Vec<Listing>, ApiError> {
        #[derive(Deserialize)]
        struct Found {
            coins: Vec<Listing>,
        }
        let body = self
            .get("/search", &format!("query={}", encode(query)))
            .await?;
        let found: Found = serde_json::from_str(&body).map_err(|e| malformed(&e))?;
        Ok(found
            .coins
            .into_iter()
            .map(|c| Listing {
                symbol: c.symbol.to_lowercase(),
                ..c
            })
            .collect())
    }

    /// `/coins/{id}/market_chart`: (Unix seconds, price) points over the last `days`.
    pub async fn market_chart(
        &self,
        coin: &str,
        currency: &str,
        days: u32,
    ) -> Result<Vec<(i64, Decimal)>, ApiError> {
        let path = format!("/coins/{}/market_chart", encode(coin));
        let query = format!("vs_currency={}&days={days}", encode(currency));
        let body = self.get(&path, &query).await?;
        parse_chart(&body)
    }

    /// `/coins/{id}/market_chart/range`: (Unix seconds, price) points from `from` to `to` (daily
    /// points for ranges over 90 days).
    pub async fn market_chart_range(
        &self,
        coin: &str,
        currency: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Decimal)>, ApiError> {
        let path = format!("/coins/{}/market_chart/range", encode(coin));
        let query = format!("vs_currency={}&from={from}&to={to}", encode(currency));
        let body = self.get(&path, &query).await?;
        parse_chart(&body)
    }
}

/// A client with the app's user agent, `timeout` per call and at most 10 s to connect, through
/// the proxy `CRYPTO_BALANCE_PROXY` names.
pub(super) fn http_builder(timeout: Duration) -> reqwest::ClientBuilder {
    calls::proxied(
        calls::client_builder(timeout),
        calls::proxy_from_env().as_deref(),
    )
}

/// `given` (a local fake, say) unless blank, else `default`; no spaces or trailing slash.
pub(super) fn base_url(given: Option<&str>, default: &str) -> String {
    given
        .filter(|url| !url.trim().is_empty())
        .unwrap_or(default)
        .trim()
        .trim_end_matches('/')
        .to_owned()
}

impl From<Unread> for ApiError {
    fn from(unread: Unread) -> Self {
        match unread {
            Unread::TooLarge => ApiError::TooLarge(MAX_BODY_BYTES),
            Unread::Transport(e) => ApiError::from_transport(&e),
            Unread::NotText => ApiError::Malformed("the answer is not UTF-8 text".into()),
        }
    }
}

fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Percent-encodes one query value.
fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Encodes each item and joins with bare commas (CoinGecko's list separator; `%2C` would triple
/// every separator's length).
fn join_encoded<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.map(encode).collect::<Vec<_>>().join(",")
}

/// Groups ids greedily so each URL stays within the limits.
fn batches(coins: &[String], fixed_length: usize, limits: BatchLimits) -> Vec<Vec<&str>> {
    let mut batches = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut length = fixed_length;
    for coin in coins {
        let added = encode(coin).len() + usize::from(!current.is_empty());
        if !current.is_empty()
            && (current.len() >= limits.max_ids || length + added > limits.max_url_length)
        {
            batches.push(std::mem::take(&mut current));
            length = fixed_length;
        }
        length += encode(coin).len() + usize::from(!current.is_empty());
        current.push(coin);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_both_limits_and_use_the_fewest_calls() {
        let coins: Vec<String> = (0..1000).map(|n| format!("coin-{n:05}")).collect();
        let limits = BatchLimits::default();
        let grouped = batches(&coins, 150, limits);
        assert_eq!(grouped.len(), 2);
        assert!(grouped.iter().all(|b| b.len() <= 500));
        let tight = BatchLimits {
            max_ids: 500,
            max_url_length: 150 + 10 * 100,
        };
        let grouped = batches(&coins, 150, tight);
        for batch in &grouped {
            assert!(150 + batch.iter().map(|c| c.len() + 1).sum::<usize>() - 1 <= 1150);
        }
        assert_eq!(grouped.iter().map(Vec::len).sum::<usize>(), 1000);
        assert!(batches(&[], 150, limits).is_empty());
    }
}
