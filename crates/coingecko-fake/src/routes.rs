//! The API endpoints, answered from the fake's market in the real shapes (`coingecko.md` 1.4):
//! numbers as raw JSON text so exponent forms and long tails reach the client verbatim.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::json;
use serde_json::value::RawValue;

use crate::market::{Coin, SUPPORTED_VS_CURRENCIES};
use crate::plan::{history_too_long, Access};
use crate::Shared;

type Params = Query<Vec<(String, String)>>;

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn flag(params: &[(String, String)], name: &str) -> bool {
    param(params, name) == Some("true")
}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn raw(text: String) -> Box<RawValue> {
    RawValue::from_string(text).unwrap_or_else(|_| null())
}

fn null() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).unwrap_or_else(|_| unreachable!("null is JSON"))
}

pub(crate) fn json_text(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

pub(crate) fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub async fn ping() -> Response {
    Json(json!({ "gecko_says": "(V3) To the Moon!" })).into_response()
}

pub async fn supported_vs_currencies() -> Response {
    Json(SUPPORTED_VS_CURRENCIES).into_response()
}

/// `/simple/price`: unknown ids are left out, unsupported currencies give an empty object.
pub async fn simple_price(State(shared): State<Shared>, Query(params): Params) -> Response {
    let ids = list(param(&params, "ids"));
    let currencies = list(param(&params, "vs_currencies"));
    if ids.is_empty() {
        return bad_request("Missing parameter ids");
    }
    if currencies.is_empty() {
        return bad_request("Missing parameter vs_currencies");
    }
    let with_change = flag(&params, "include_24hr_change");
    let with_updated = flag(&params, "include_last_updated_at");
    let state = shared.lock();
    let mut body: BTreeMap<&str, BTreeMap<String, Box<RawValue>>> = BTreeMap::new();
    for id in &ids {
        let Some(coin) = state.market.coin(id) else {
            continue;
        };
        let mut fields = BTreeMap::new();
        let mut any = false;
        for currency in &currencies {
            if !SUPPORTED_VS_CURRENCIES.contains(&currency.as_str()) {
                continue;
            }
            let Some(price) = state.market.price_text(coin, currency) else {
                continue;
            };
            any = true;
            fields.insert(currency.clone(), raw(price));
            if with_change {
                let change = state.market.change_text(coin);
                fields.insert(format!("{currency}_24h_change"), raw(change));
            }
        }
        if any && with_updated {
            fields.insert("last_updated_at".to_owned(), raw(now_seconds().to_string()));
        }
        body.insert(&coin.id, fields);
    }
    json_text(serde_json::to_string(&body).unwrap_or_else(|_| "{}".to_owned()))
}

/// `/coins/list`: every coin, with `platforms` when asked.
pub async fn coins_list(State(shared): State<Shared>, Query(params): Params) -> Response {
    let platforms = flag(&params, "include_platform");
    let state = shared.lock();
    let coins: Vec<serde_json::Value> = state
        .market
        .coins()
        .map(|c| {
            let mut item = json!({ "id": c.id, "symbol": c.symbol, "name": c.name });
            if platforms {
                item["platforms"] = json!(c.platforms);
            }
            item
        })
        .collect();
    Json(coins).into_response()
}

fn by_rank<'a>(coins: impl Iterator<Item = &'a Coin>) -> Vec<&'a Coin> {
    let mut coins: Vec<&Coin> = coins.collect();
    coins.sort_by_key(|c| (c.market_cap_rank.is_none(), c.market_cap_rank, c.id.clone()));
    coins
}

/// `/coins/markets`: ranked coins, paged; `usdt` and other unknown currencies are refused.
pub async fn coins_markets(State(shared): State<Shared>, Query(params): Params) -> Response {
    let Some(currency) = param(&params, "vs_currency").map(str::to_lowercase) else {
        return bad_request("Missing parameter vs_currency");
    };
    if !SUPPORTED_VS_CURRENCIES.contains(&currency.as_str()) {
        return bad_request("invalid vs_currency");
    }
    let per_page: usize = param(&params, "per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
        .clamp(1, 250);
    let page: usize = param(&params, "page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let ids = list(param(&params, "ids"));
    let state = shared.lock();
    let coins = by_rank(
        state
            .market
            .coins()
            .filter(|c| ids.is_empty() || ids.contains(&c.id)),
    );
    let items: Vec<BTreeMap<&str, Box<RawValue>>> = coins
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|coin| {
            let text = |v: &str| raw(serde_json::to_string(v).unwrap_or_default());
            let mut item = BTreeMap::new();
            item.insert("id", text(&coin.id));
            item.insert("symbol", text(&coin.symbol));
            item.insert("name", text(&coin.name));
            let price = state.market.price_text(coin, &currency);
            item.insert("current_price", price.map(raw).unwrap_or_else(null));
            let rank = coin.market_cap_rank.map(|r| r.to_string());
            item.insert("market_cap_rank", rank.map(raw).unwrap_or_else(null));
            let change = state.market.change_text(coin);
            item.insert("price_change_percentage_24h", raw(change));
            item.insert("max_supply", null());
            item.insert("roi", null());
            item.insert("last_updated", text("2026-11-24T12:00:00.000Z"));
            item
        })
        .collect();
    json_text(serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_owned()))
}

/// `/search`: coins whose id, name or symbol contains the query, by market cap; symbols upper-case.
pub async fn search(State(shared): State<Shared>, Query(params): Params) -> Response {
    let query = param(&params, "query").unwrap_or_default().to_lowercase();
    let state = shared.lock();
    let coins: Vec<serde_json::Value> = if query.is_empty() {
        Vec::new()
    } else {
        by_rank(state.market.coins().filter(|c| {
            c.id.contains(&query)
                || c.name.to_lowercase().contains(&query)
                || c.symbol.to_lowercase().contains(&query)
        }))
        .into_iter()
        .take(25)
        .map(|c| {
            json!({
                "id": c.id, "name": c.name, "api_symbol": c.id,
                "symbol": c.symbol.to_uppercase(), "market_cap_rank": c.market_cap_rank,
                "thumb": format!("https://assets.coingecko.com/coins/images/1/thumb/{}.png", c.id),
                "large": format!("https://assets.coingecko.com/coins/images/1/large/{}.png", c.id),
            })
        })
        .collect()
    };
    Json(json!({ "coins": coins, "exchanges": [], "icos": [], "categories": [], "nfts": [] }))
        .into_response()
}

/// `/coins/{id}/market_chart`: points at CoinGecko's automatic granularity, the last one "now".
pub async fn market_chart(
    State(shared): State<Shared>,
    Extension(access): Extension<Access>,
    Path(id): Path<String>,
    Query(params): Params,
) -> Response {
    let days = match param(&params, "days") {
        Some("max") => None,
        Some(d) => match d.parse::<u32>() {
            Ok(d) if d > 0 => Some(d),
            _ => return bad_request("invalid days"),
        },
        None => return bad_request("Missing parameter days"),
    };
    if let Some(limit) = access.history_days_limit() {
        if days.is_none_or(|d| d > limit) {
            return history_too_long();
        }
    }
    let now = now_seconds();
    let span = i64::from(days.unwrap_or(3650)) * 86_400;
    let step = match days {
        Some(1) => 300,
        Some(d) if d <= 90 => 3_600,
        _ => 86_400,
    };
    chart(&shared, &id, &params, now - span, now, step)
}

/// `/coins/{id}/market_chart/range`: `from`/`to` in seconds, points in milliseconds.
pub async fn market_chart_range(
    State(shared): State<Shared>,
    Extension(access): Extension<Access>,
    Path(id): Path<String>,
    Query(params): Params,
) -> Response {
    let seconds = |name| param(&params, name).and_then(|v| v.parse::<i64>().ok());
    let (Some(from), Some(to)) = (seconds("from"), seconds("to")) else {
        return bad_request("Missing parameter from or to");
    };
    if access.history_days_limit().is_some() && now_seconds() - from > 365 * 86_400 {
        return history_too_long();
    }
    let span = to - from;
    let step = if span <= 86_400 {
        300
    } else if span <= 90 * 86_400 {
        3_600
    } else {
        86_400
    };
    chart(&shared, &id, &params, from, to, step)
}

fn chart(
    shared: &Shared,
    id: &str,
    params: &[(String, String)],
    from: i64,
    to: i64,
    step: i64,
) -> Response {
    let Some(currency) = param(params, "vs_currency").map(str::to_lowercase) else {
        return bad_request("Missing parameter vs_currency");
    };
    let state = shared.lock();
    let Some(coin) = state.market.coin(id) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "coin not found" })),
        )
            .into_response();
    };
    let Some(price) = state
        .market
        .price_text(coin, &currency)
        .filter(|_| SUPPORTED_VS_CURRENCIES.contains(&currency.as_str()))
    else {
        return bad_request("invalid vs_currency");
    };
    // Boundary-aligned points, then the current moment as the last one.
    let mut times: Vec<i64> = ((from / step + 1) * step..to)
        .step_by(usize::try_from(step).unwrap_or(86_400))
        .collect();
    times.push(to);
    let series = |value: &str| -> String {
        let points: Vec<String> = times
            .iter()
            .map(|t| format!("[{},{}]", t * 1000, value))
            .collect();
        format!("[{}]", points.join(","))
    };
    let prices = series(&price);
    json_text(format!(
        "{{\"prices\":{prices},\"market_caps\":{},\"total_volumes\":{}}}",
        series("null"),
        series("null")
    ))
}
