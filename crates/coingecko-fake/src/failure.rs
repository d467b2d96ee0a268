//! Failures a test can inject, each answered exactly as `coingecko.md` records the real service
//! (and Cloudflare in front of it) answering.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

/// One way a request can go wrong.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// 429 with CoinGecko's JSON body and `retry-after`.
    RateLimited { retry_after: u64 },
    /// 429 from Cloudflare's edge: plain text `error code: 1015`.
    CloudflareText,
    /// 403 HTML "Access denied" page from Cloudflare (error 1020).
    CloudflareHtml,
    /// 500 with the Rails HTML error page.
    ServerErrorHtml,
    /// 503 with an empty body.
    Unavailable,
    /// 200 with JSON cut off half way.
    MalformedJson,
    /// 401 10005: the endpoint is not in the key's plan.
    NotInPlan,
    /// 429 whose `retry-after` is an HTTP date this many seconds from now.
    RateLimitedUntil { seconds: u64 },
    /// 200 with a body of this many bytes (whitespace, then `{}`), as a hostile server might.
    HugeBody { bytes: usize },
    /// 302 to another server (e.g. a second fake that records what it was sent).
    Redirect { to: String },
    /// Answers normally after a delay.
    Slow { millis: u64 },
    /// Never answers.
    Hang,
}

/// A failure waiting to be served `times` more times, optionally only on one path.
#[derive(Debug, Clone, Deserialize)]
pub struct Injected {
    #[serde(flatten)]
    pub failure: Failure,
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests whose path (after `/api/v3`) starts with this.
    #[serde(default)]
    pub path: Option<String>,
}

fn one() -> u32 {
    1
}

impl Failure {
    /// The delay before a normal answer, for `Slow`.
    pub fn delay(&self) -> Option<Duration> {
        match self {
            Failure::Slow { millis } => Some(Duration::from_millis(*millis)),
            _ => None,
        }
    }

    /// The response that stands in for the real one; `None` for failures that only delay.
    pub fn response(&self) -> Option<Response> {
        let response = match self {
            Failure::RateLimited { retry_after } => {
                let mut response = (
                    StatusCode::TOO_MANY_REQUESTS,
                    axum::Json(json!({"status": {"error_code": 429, "error_message":
                        "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."}})),
                )
                    .into_response();
                if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                response
                    .headers_mut()
                    .insert(header::SERVER, HeaderValue::from_static("cloudflare"));
                response
            }
            Failure::CloudflareText => text(
                StatusCode::TOO_MANY_REQUESTS,
                "text/plain; charset=UTF-8",
                "error code: 1015",
            ),
            Failure::CloudflareHtml => text(
                StatusCode::FORBIDDEN,
                "text/html; charset=UTF-8",
                "<!DOCTYPE html>\n<html><head><title>Access denied | api.coingecko.com used Cloudflare to restrict access</title></head>\n<body><h1>Error 1020</h1><p>Access denied</p></body></html>",
            ),
            Failure::ServerErrorHtml => text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/html; charset=utf-8",
                "<!DOCTYPE html>\n<html>\n<head>\n  <title>We're sorry, but something went wrong (500)</title>\n</head>\n<body>\n  <div class=\"dialog\"><h1>We're sorry, but something went wrong.</h1></div>\n</body>\n</html>\n",
            ),
            Failure::Unavailable => StatusCode::SERVICE_UNAVAILABLE.into_response(),
            Failure::MalformedJson => text(
                StatusCode::OK,
                "application/json; charset=utf-8",
                "{\"bitcoin\":{\"usd\":67187.33",
            ),
            Failure::NotInPlan => (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"status": {"error_code": 10005, "error_message":
                    "This request is limited to PRO API subscribers. Please visit https://www.coingecko.com/en/api/pricing for more details."}})),
            )
                .into_response(),
            Failure::RateLimitedUntil { seconds } => {
                let at = std::time::SystemTime::now() + Duration::from_secs(*seconds);
                let mut response = (
                    StatusCode::TOO_MANY_REQUESTS,
                    axum::Json(json!({"status": {"error_code": 429, "error_message": "You've exceeded the Rate Limit."}})),
                )
                    .into_response();
                if let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(at)) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                response
            }
            Failure::HugeBody { bytes } => {
                let mut body = vec![b' '; bytes.saturating_sub(2)];
                body.extend_from_slice(b"{}");
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json")],
                    body,
                )
                    .into_response()
            }
            Failure::Redirect { to } => {
                let mut response = StatusCode::FOUND.into_response();
                if let Ok(value) = HeaderValue::from_str(to) {
                    response.headers_mut().insert(header::LOCATION, value);
                }
                response
            }
            Failure::Slow { .. } | Failure::Hang => return None,
        };
        Some(response)
    }
}

fn text(status: StatusCode, content_type: &'static str, body: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}
