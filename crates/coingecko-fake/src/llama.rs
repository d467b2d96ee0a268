//! DefiLlama's `coins.llama.fi/chart/{coins}` as the fake plays it: `start` (Unix seconds), `span`
//! (points) and `period` (`1d`, `24h` or seconds); coins named `coingecko:{id}`; prices in US
//! dollars as JSON numbers; coins it does not know are left out of `coins`; no point is later
//! than now.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::Shared;

/// Where the fake serves DefiLlama's routes.
pub const LLAMA_PREFIX: &str = "/llama";

const DAY: i64 = 86_400;

fn period_seconds(text: &str) -> Option<i64> {
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let number: i64 = number.parse().ok()?;
    let unit = match unit {
        "d" => DAY,
        "h" => 3_600,
        "m" => 60,
        "w" => 7 * DAY,
        _ => return None,
    };
    number.checked_mul(unit).filter(|s| *s > 0)
}

pub async fn chart(
    State(shared): State<Shared>,
    Path(coins): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(start) = get("start").and_then(|s| s.parse::<i64>().ok()) else {
        return refuse("start must be a unix timestamp");
    };
    let span = match get("span").map(str::parse::<i64>) {
        None => 0,
        Some(Ok(span)) if (0..=10_000).contains(&span) => span,
        Some(_) => return refuse("invalid span"),
    };
    let Some(period) = get("period").map_or(Some(DAY), |p| {
        p.parse::<i64>()
            .ok()
            .filter(|s| *s > 0)
            .or_else(|| period_seconds(p))
    }) else {
        return refuse("invalid period");
    };
    let now = crate::routes::now_seconds();
    let state = shared.lock();
    // Written as text so each price goes out with exactly the digits the market holds.
    let mut series = Vec::new();
    for key in coins.split(',') {
        let Some(coin) = key
            .strip_prefix("coingecko:")
            .and_then(|id| state.market.coin(id))
        else {
            continue;
        };
        let Some(usd) = coin.usd else {
            continue;
        };
        let prices: Vec<String> = (0..span)
            .map(|i| start + i * period)
            .take_while(|at| *at <= now)
            .map(|at| format!(r#"{{"timestamp":{at},"price":{usd}}}"#))
            .collect();
        series.push(format!(
            r#"{}:{{"symbol":{},"confidence":0.99,"decimals":0,"prices":[{}]}}"#,
            json!(key),
            json!(coin.symbol.to_uppercase()),
            prices.join(",")
        ));
    }
    crate::routes::json_text(format!(r#"{{"coins":{{{}}}}}"#, series.join(",")))
}

fn refuse(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "message": message }))).into_response()
}
