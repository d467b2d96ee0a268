//! What can go wrong talking to CoinGecko, told apart by HTTP status first and body second (bodies
//! come as JSON in four shapes, plain text or HTML: `coingecko.md` 1.3), each with a retry policy.

use std::time::{Duration, SystemTime};

use serde_json::Value;

/// The longest `Retry-After` honoured: a server asking for more is asked again after an hour,
/// so a hostile or broken answer can never stop refreshing for days.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// How the sync loop should react to a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryPolicy {
    /// Wait this long (the server said so), then try again.
    After(Duration),
    /// A passing problem: back off exponentially with jitter.
    Backoff,
    /// Only the user can fix this (plan, key): keep the normal schedule, do not hammer.
    NeedsUser,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("CoinGecko's rate limit was reached; retrying {}", after_text(*retry_after))]
    RateLimited { retry_after: Option<Duration> },
    #[error("CoinGecko (Cloudflare) refused this connection (HTTP {status}); retrying later")]
    Blocked { status: u16 },
    #[error(
        "this CoinGecko plan needs an API key: add your key in Settings, or choose the public plan"
    )]
    KeyMissing,
    #[error("CoinGecko rejected the API key: check it in Settings")]
    InvalidKey,
    #[error("this key is a Pro (paid) key: choose the Pro plan in Settings")]
    ProKeyOnPublicHost,
    #[error("this key is a Demo key: choose the Demo plan in Settings")]
    DemoKeyOnProHost,
    #[error("this request is not included in your CoinGecko plan")]
    NotInPlan,
    #[error("your CoinGecko plan only reaches back 365 days: choose a shorter range")]
    HistoryBeyondPlan,
    #[error("CoinGecko does not know {0}")]
    NotFound(String),
    #[error("CoinGecko refused the request: {0}")]
    BadRequest(String),
    #[error("the request was too long for CoinGecko (HTTP 414)")]
    UriTooLong,
    #[error("CoinGecko is having trouble (HTTP {status}); retrying later")]
    Server { status: u16 },
    #[error("CoinGecko did not answer in time; retrying later")]
    Timeout,
    #[error("cannot reach CoinGecko ({0}); check the internet connection")]
    Network(String),
    #[error("CoinGecko sent an answer this app cannot read ({0}); retrying later")]
    Malformed(String),
    #[error("CoinGecko answered HTTP {status} unexpectedly")]
    Unexpected { status: u16 },
    #[error("CoinGecko sent an answer larger than {} MiB; retrying later", .0 / (1024 * 1024))]
    TooLarge(usize),
    #[error("CoinGecko's answer redirected to another host ({0}); it was not followed, and the API key was not sent there")]
    Redirected(String),
}

fn after_text(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!("in {} s", wait.as_secs()),
        None => "later".to_owned(),
    }
}

impl ApiError {
    pub fn retry_policy(&self) -> RetryPolicy {
        match self {
            ApiError::RateLimited {
                retry_after: Some(wait),
            } => RetryPolicy::After(*wait),
            ApiError::RateLimited { retry_after: None }
            | ApiError::Blocked { .. }
            | ApiError::Server { .. }
            | ApiError::Timeout
            | ApiError::Network(_)
            | ApiError::Malformed(_)
            | ApiError::UriTooLong
            | ApiError::TooLarge(_)
            | ApiError::Redirected(_)
            | ApiError::Unexpected { .. } => RetryPolicy::Backoff,
            ApiError::KeyMissing
            | ApiError::InvalidKey
            | ApiError::ProKeyOnPublicHost
            | ApiError::DemoKeyOnProHost
            | ApiError::NotInPlan
            | ApiError::HistoryBeyondPlan
            | ApiError::NotFound(_)
            | ApiError::BadRequest(_) => RetryPolicy::NeedsUser,
        }
    }

    /// Classifies a non-2xx answer. `sent_key` tells a missing key from a wrong one.
    pub fn from_response(
        status: u16,
        retry_after: Option<&str>,
        body: &str,
        sent_key: bool,
    ) -> Self {
        let json: Option<Value> = serde_json::from_str(body).ok();
        let code = json.as_ref().and_then(error_code);
        let message = json.as_ref().and_then(error_message);
        match (status, code) {
            (_, Some(10010)) => ApiError::ProKeyOnPublicHost,
            (_, Some(10011)) => ApiError::DemoKeyOnProHost,
            (_, Some(10012)) => ApiError::HistoryBeyondPlan,
            (_, Some(10005)) => ApiError::NotInPlan,
            (429, _) => ApiError::RateLimited {
                retry_after: retry_after.and_then(parse_retry_after),
            },
            (401, _) if !sent_key => ApiError::KeyMissing,
            (401, _) => ApiError::InvalidKey,
            (403, _) => ApiError::Blocked { status },
            (404, _) => ApiError::NotFound(message.unwrap_or_else(|| "that".to_owned())),
            (400, _) => ApiError::BadRequest(message.unwrap_or_else(|| "bad request".to_owned())),
            (414, _) => ApiError::UriTooLong,
            (408, _) => ApiError::Timeout,
            (500..=599, _) => ApiError::Server { status },
            _ => ApiError::Unexpected { status },
        }
    }

    /// Maps a transport failure.
    pub fn from_transport(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            ApiError::Timeout
        } else if error.is_decode() || error.is_body() {
            ApiError::Malformed("the answer was cut off".to_owned())
        } else {
            // reqwest's text can hold the URL; keep only the kind of failure (keys never go in
            // URLs, but a base URL override might carry credentials).
            let kind = if error.is_connect() {
                "connection failed"
            } else {
                "request failed"
            };
            ApiError::Network(kind.to_owned())
        }
    }
}

/// `Retry-After` in either of its forms, seconds (what CoinGecko sends) or an HTTP date, capped
/// at [`MAX_RETRY_AFTER`]; anything else falls back to backoff.
fn parse_retry_after(value: &str) -> Option<Duration> {
    parse_retry_after_at(value, SystemTime::now())
}

fn parse_retry_after_at(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(now).unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// The error code in any of CoinGecko's body shapes.
fn error_code(json: &Value) -> Option<i64> {
    json.pointer("/status/error_code")
        .or_else(|| json.get("error_code"))
        .or_else(|| json.pointer("/error/status/error_code"))
        .and_then(Value::as_i64)
}

fn error_message(json: &Value) -> Option<String> {
    json.pointer("/status/error_message")
        .or_else(|| json.pointer("/error/status/error_message"))
        .or_else(|| json.get("error").filter(|e| e.is_string()))
        .and_then(Value::as_str)
        .map(|text| text.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn retry_after_is_read_in_both_forms_and_capped_at_an_hour() {
        use super::*;
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after_at("53", now),
            Some(Duration::from_secs(53))
        );
        assert_eq!(parse_retry_after_at("99999999", now), Some(MAX_RETRY_AFTER));
        assert_eq!(
            parse_retry_after_at("18446744073709551615", now),
            Some(MAX_RETRY_AFTER)
        );
        let in_two_minutes = httpdate::fmt_http_date(now + Duration::from_secs(120));
        assert_eq!(
            parse_retry_after_at(&in_two_minutes, now),
            Some(Duration::from_secs(120))
        );
        let in_a_year = httpdate::fmt_http_date(now + Duration::from_secs(365 * 86_400));
        assert_eq!(parse_retry_after_at(&in_a_year, now), Some(MAX_RETRY_AFTER));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(60));
        assert_eq!(parse_retry_after_at(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after_at("soon", now), None);
        assert_eq!(parse_retry_after_at("-5", now), None);
    }

    use super::*;

    fn classify(status: u16, body: &str) -> ApiError {
        ApiError::from_response(status, None, body, true)
    }

    #[test]
    fn tells_every_body_shape_apart() {
        let rate = ApiError::from_response(
            429,
            Some("53"),
            r#"{"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit."}}"#,
            false,
        );
        assert_eq!(
            rate,
            ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(53))
            }
        );
        assert_eq!(
            rate.retry_policy(),
            RetryPolicy::After(Duration::from_secs(53))
        );
        assert_eq!(
            classify(429, "error code: 1015"),
            ApiError::RateLimited { retry_after: None }
        );
        assert_eq!(
            classify(
                403,
                "<!DOCTYPE html><title>Access denied | api.coingecko.com used Cloudflare</title>"
            ),
            ApiError::Blocked { status: 403 }
        );
        assert_eq!(
            classify(
                400,
                r#"{"status":{"error_code":10010,"error_message":"If you are using Pro API key"}}"#
            ),
            ApiError::ProKeyOnPublicHost
        );
        assert_eq!(
            classify(
                400,
                r#"{"timestamp":"x","error_code":10011,"status":{"error_message":"Demo"}}"#
            ),
            ApiError::DemoKeyOnProHost
        );
        assert_eq!(
            classify(
                401,
                r#"{"error":{"status":{"timestamp":"x","error_code":10012,"error_message":"365 days"}}}"#
            ),
            ApiError::HistoryBeyondPlan
        );
        assert_eq!(
            classify(
                401,
                r#"{"status":{"error_code":10005,"error_message":"PRO"}}"#
            ),
            ApiError::NotInPlan
        );
        assert_eq!(
            ApiError::from_response(401, None, r#"{"status":{"error_code":10002}}"#, false),
            ApiError::KeyMissing
        );
        assert_eq!(
            classify(401, r#"{"status":{"error_code":10002}}"#),
            ApiError::InvalidKey
        );
        assert_eq!(
            classify(404, r#"{"error":"coin not found"}"#),
            ApiError::NotFound("coin not found".to_owned())
        );
        assert_eq!(
            classify(400, r#"{"error":"invalid vs_currency"}"#),
            ApiError::BadRequest("invalid vs_currency".to_owned())
        );
        assert_eq!(classify(414, ""), ApiError::UriTooLong);
        assert_eq!(
            classify(500, "<html>We're sorry</html>"),
            ApiError::Server { status: 500 }
        );
        assert_eq!(classify(503, ""), ApiError::Server { status: 503 });
        assert_eq!(
            classify(418, "teapot"),
            ApiError::Unexpected { status: 418 }
        );
    }

    #[test]
    fn plan_mistakes_wait_for_the_user_and_outages_back_off() {
        assert_eq!(
            ApiError::DemoKeyOnProHost.retry_policy(),
            RetryPolicy::NeedsUser
        );
        assert_eq!(ApiError::Timeout.retry_policy(), RetryPolicy::Backoff);
        assert!(ApiError::DemoKeyOnProHost
            .to_string()
            .contains("choose the Demo plan"));
    }
}
