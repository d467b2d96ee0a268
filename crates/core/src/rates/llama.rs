//! DefiLlama's free price charts (`coins.llama.fi/chart`): the second source of daily prices, for
//! the days older than the CoinGecko plan reaches. No key, US dollars only, coins named by their
//! CoinGecko id. Answers are bounded in size, time and values like CoinGecko's.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::client::{self, http_builder, DEFAULT_TIMEOUT};
use super::number::parse_json_number;
use crate::calls::{self, CallOutcome, Provider, RequestLog};
use crate::calls::{read_capped, Unread};
use crate::clock::SECONDS_PER_DAY as DAY;
use crate::money::Price;

/// DefiLlama's public price host.
pub const DEFAULT_URL: &str = "https://coins.llama.fi";

/// The one currency DefiLlama prices in.
pub const CURRENCY: &str = "usd";

/// Days one call asks for at most.
pub const MAX_DAYS: u32 = 365;

/// A year of daily points is about 25 KB; a larger answer is refused as it streams in.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlamaError {
    #[error("DefiLlama's rate limit was reached; the next backfill tries again")]
    RateLimited,
    #[error("DefiLlama is having trouble (HTTP {0}); the next backfill tries again")]
    Status(u16),
    #[error("DefiLlama did not answer in time; the next backfill tries again")]
    Timeout,
    #[error("cannot reach DefiLlama ({0}); check the internet connection")]
    Network(&'static str),
    #[error("DefiLlama sent an answer this app cannot read ({0})")]
    Malformed(String),
    #[error("DefiLlama sent an answer larger than {} KiB", MAX_BODY_BYTES / 1024)]
    TooLarge,
}

impl From<Unread> for LlamaError {
    fn from(unread: Unread) -> Self {
        match unread {
            Unread::TooLarge => LlamaError::TooLarge,
            Unread::Transport(e) => transport(&e),
            Unread::NotText => LlamaError::Malformed("not UTF-8 text".into()),
        }
    }
}

/// reqwest's text can hold the URL: keep only the kind of failure.
fn transport(error: &reqwest::Error) -> LlamaError {
    if error.is_timeout() {
        LlamaError::Timeout
    } else if error.is_connect() {
        LlamaError::Network("connection failed")
    } else {
        LlamaError::Network("request failed")
    }
}

/// A DefiLlama client.
#[derive(Debug, Clone)]
pub struct LlamaClient {
    http: reqwest::Client,
    base_url: String,
    calls: Arc<AtomicU32>,
    log: Option<Arc<RequestLog>>,
}

impl LlamaClient {
    /// `base_url` replaces [`DEFAULT_URL`] (a local fake in tests).
    pub fn new(base_url: Option<&str>, timeout: Option<Duration>) -> Result<Self, LlamaError> {
        let http = http_builder(timeout.unwrap_or(DEFAULT_TIMEOUT))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| transport(&e))?;
        Ok(Self {
            http,
            base_url: client::base_url(base_url, DEFAULT_URL),
            calls: Arc::new(AtomicU32::new(0)),
            log: None,
        })
    }

    /// Notes each request in `log` (the vault's privacy log).
    pub fn logging(mut self, log: Arc<RequestLog>) -> Self {
        self.log = Some(log);
        self
    }

    /// Calls made so far.
    pub fn calls_made(&self) -> u32 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Daily US-dollar prices of the CoinGecko coin `coin` for `days` days from `first_day`
    /// (a day number since 1970), as (Unix seconds, price); days DefiLlama lacks are absent.
    pub async fn daily(
        &self,
        coin: &str,
        first_day: i64,
        days: u32,
    ) -> Result<Vec<(i64, Decimal)>, LlamaError> {
        let days = days.clamp(1, MAX_DAYS);
        let key = format!("coingecko:{coin}");
        let id: String = url::form_urlencoded::byte_serialize(coin.as_bytes()).collect();
        let url = format!(
            "{}/chart/coingecko:{id}?start={}&span={days}&period=1d&searchWidth=600",
            self.base_url,
            first_day * DAY
        );
        self.calls.fetch_add(1, Ordering::Relaxed);
        let asked = url
            .strip_prefix(&self.base_url)
            .map_or_else(|| url.clone(), |rest| format!("GET {rest}"));
        let note = |outcome| calls::sent(self.log.as_deref(), Provider::DefiLlama, &asked, outcome);
        let response = self
            .http
            .get(&url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| {
                note(CallOutcome::Unreachable);
                transport(&e)
            })?;
        let status = response.status().as_u16();
        note(CallOutcome::of_status(status));
        match status {
            200..=299 => {}
            429 => return Err(LlamaError::RateLimited),
            _ => return Err(LlamaError::Status(status)),
        }
        let body = read_capped(response, MAX_BODY_BYTES).await?;
        parse_chart(&body, &key, (first_day, first_day + i64::from(days)))
    }
}

/// Reads `{"coins": {key: {"prices": [{"timestamp": s, "price": n}, …]}}}`, keeping one price per
/// day within `[first_day, end_day)`; an absent coin is no prices. Unbelievable prices are left out.
pub fn parse_chart(
    body: &str,
    key: &str,
    (first_day, end_day): (i64, i64),
) -> Result<Vec<(i64, Decimal)>, LlamaError> {
    #[derive(Deserialize)]
    struct Chart<'a> {
        #[serde(borrow)]
        coins: std::collections::HashMap<String, Series<'a>>,
    }
    #[derive(Deserialize)]
    struct Series<'a> {
        #[serde(borrow)]
        prices: Vec<Point<'a>>,
    }
    #[derive(Deserialize)]
    struct Point<'a> {
        timestamp: i64,
        #[serde(borrow)]
        price: &'a RawValue,
    }
    let chart: Chart<'_> = serde_json::from_str(body)
        .map_err(|e| LlamaError::Malformed(format!("{} at line {}", kind(&e), e.line())))?;
    let Some(series) = chart.coins.get(key) else {
        return Ok(Vec::new());
    };
    let mut points: Vec<(i64, Decimal)> = series
        .prices
        .iter()
        .filter(|p| (first_day..end_day).contains(&p.timestamp.div_euclid(DAY)))
        .filter_map(|p| {
            let price = parse_json_number(p.price).ok().flatten()?;
            Some((p.timestamp, Price::new(price).ok()?.get()))
        })
        .collect();
    points.sort_by_key(|(at, _)| *at);
    points.dedup_by_key(|(at, _)| at.div_euclid(DAY));
    Ok(points)
}

fn kind(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => "invalid JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "JSON cut off",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "coingecko:bitcoin";

    #[test]
    fn reads_daily_points_exactly_and_only_within_the_range() {
        let body = r#"{"coins":{"coingecko:bitcoin":{"symbol":"BTC","confidence":0.99,
            "prices":[{"timestamp":86400,"price":29374.152279480517},
                      {"timestamp":90000,"price":29000},
                      {"timestamp":172800,"price":1e3},
                      {"timestamp":0,"price":5},
                      {"timestamp":864000,"price":7}]}}}"#;
        let points = parse_chart(body, KEY, (1, 3)).unwrap();
        assert_eq!(
            points,
            vec![
                (86_400, "29374.152279480517".parse().unwrap()),
                (172_800, Decimal::from(1000)),
            ],
            "one point a day, inside [first, end), every digit kept"
        );
    }

    #[test]
    fn an_unknown_coin_is_no_prices_and_bad_prices_are_left_out() {
        assert_eq!(parse_chart(r#"{"coins":{}}"#, KEY, (0, 9)).unwrap(), vec![]);
        let body = r#"{"coins":{"coingecko:bitcoin":{"prices":[
            {"timestamp":0,"price":0},{"timestamp":86400,"price":-3},
            {"timestamp":172800,"price":null},{"timestamp":259200,"price":1e40}]}}}"#;
        assert_eq!(parse_chart(body, KEY, (0, 9)).unwrap(), vec![]);
    }

    #[test]
    fn junk_is_a_readable_error() {
        for body in ["", "[]", "{\"coins\":{\"coingecko:bitcoin\":{}}}", "<html>"] {
            let error = parse_chart(body, KEY, (0, 9)).unwrap_err();
            assert!(
                error.to_string().starts_with("DefiLlama sent an answer"),
                "{body}: {error}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse_chart(&text, KEY, (0, 400));
        }

        #[test]
        fn never_panics_on_any_point(at in proptest::prelude::any::<i64>(), price in "[-0-9.eE+]{0,40}") {
            let body = format!(r#"{{"coins":{{"coingecko:bitcoin":{{"prices":[{{"timestamp":{at},"price":{price}}}]}}}}}}"#);
            if let Ok(points) = parse_chart(&body, KEY, (i64::MIN / DAY, i64::MAX / DAY)) {
                proptest::prop_assert!(points.iter().all(|(_, p)| *p > Decimal::ZERO));
            }
        }
    }
}
