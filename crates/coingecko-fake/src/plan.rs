//! Which host the fake plays and how it treats keys: the rules behind errors 10002, 10010, 10011
//! and 10012 (`coingecko.md` 1.1 and 1.3).

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// `api.coingecko.com` (keyless and Demo) or `pro-api.coingecko.com` (paid plans).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Host {
    Public,
    Pro,
}

/// The access a request was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Keyless,
    Demo,
    Pro,
}

impl Access {
    /// Keyless and Demo users may not look further back than 365 days.
    pub fn history_days_limit(self) -> Option<u32> {
        match self {
            Access::Keyless | Access::Demo => Some(365),
            Access::Pro => None,
        }
    }
}

/// The keys the fake accepts.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    pub demo: Vec<String>,
    pub pro: Vec<String>,
}

fn sent_key<'a>(
    headers: &'a HeaderMap,
    query: &'a [(String, String)],
    name: &str,
) -> Option<&'a str> {
    let query_name = name.replace('-', "_");
    headers.get(name).and_then(|v| v.to_str().ok()).or_else(|| {
        query
            .iter()
            .find(|(k, _)| *k == query_name)
            .map(|(_, v)| v.as_str())
    })
}

/// Decides whether a request may proceed on `host`, as CoinGecko does; the refusal is the
/// response to send.
#[allow(clippy::result_large_err)] // built once per request and sent at once
pub fn authorize(
    host: Host,
    keys: &Keys,
    headers: &HeaderMap,
    query: &[(String, String)],
) -> Result<Access, Response> {
    let demo_header = sent_key(headers, query, "x-cg-demo-api-key");
    let pro_header = sent_key(headers, query, "x-cg-pro-api-key");
    let is_demo = |k: &str| keys.demo.iter().any(|d| d == k);
    let is_pro = |k: &str| keys.pro.iter().any(|p| p == k);
    match host {
        Host::Public => match (demo_header, pro_header) {
            (None, None) => Ok(Access::Keyless),
            (_, Some(key)) | (Some(key), None) if is_pro(key) => Err(plan_error(
                StatusCode::BAD_REQUEST,
                json!({"status": {"error_code": 10010, "error_message":
                    "If you are using Pro API key, please change your root URL from api.coingecko.com to pro-api.coingecko.com"}}),
            )),
            (Some(key), None) if is_demo(key) => Ok(Access::Demo),
            _ => Err(invalid_key()),
        },
        Host::Pro => match (demo_header, pro_header) {
            (None, None) => Err(plan_error(
                StatusCode::UNAUTHORIZED,
                json!({"status": {"timestamp": timestamp(), "error_code": 10002, "error_message":
                    "API Key Missing. Please make sure you're using the right authentication method. For Pro API, ensure you pass in x_cg_pro_api_key parameter or x-cg-pro-api-key header."}}),
            )),
            (_, Some(key)) | (Some(key), None) if is_demo(key) => Err(plan_error(
                StatusCode::BAD_REQUEST,
                // The real body puts error_code at the top level here.
                json!({"timestamp": timestamp(), "error_code": 10011, "status": {"error_message":
                    "If you are using Demo API key, please change your root URL from pro-api.coingecko.com to api.coingecko.com and refer here for more details https://docs.coingecko.com/v3.0.1/reference/authentication"}}),
            )),
            (None, Some(key)) if is_pro(key) => Ok(Access::Pro),
            _ => Err(invalid_key()),
        },
    }
}

/// 10012: history beyond the plan's window, with the extra `error` wrapper the real body has.
pub fn history_too_long() -> Response {
    plan_error(
        StatusCode::UNAUTHORIZED,
        json!({"error": {"status": {"timestamp": timestamp(), "error_code": 10012, "error_message":
            "Your request exceeds the allowed time range. Public API users are limited to querying historical data within the past 365 days. Upgrade to a paid plan to enjoy full historical data access: https://www.coingecko.com/en/api/pricing."}}}),
    )
}

fn invalid_key() -> Response {
    plan_error(
        StatusCode::UNAUTHORIZED,
        json!({"status": {"timestamp": timestamp(), "error_code": 10002, "error_message":
            "Invalid API Key. Please make sure you're using a valid key from the developer dashboard."}}),
    )
}

fn plan_error(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

fn timestamp() -> String {
    "2026-11-24T12:00:00.000+00:00".to_owned()
}
