//! The read endpoints: what the app's screens show, as JSON with decimals as strings.

use axum::extract::{Path, State};
use axum::Json;
use crypto_balance_core::accounts::Account;
use crypto_balance_core::alerts::db::AlertEvent;
use crypto_balance_core::alerts::AlertRule;
use crypto_balance_core::app::{CoinLots, HistoryQuery, ProfitQuery, RateView};
use crypto_balance_core::clock::UnixTime;
use crypto_balance_core::coin::CoinId;
use crypto_balance_core::currency::Currency;
use crypto_balance_core::holdings::Holding;
use crypto_balance_core::lots::history::DayValue;
use crypto_balance_core::lots::summary::ProfitLoss;
use crypto_balance_core::lots::{Method, Scope};
use crypto_balance_core::notify::Delivery;
use crypto_balance_core::privacy::Request;
use crypto_balance_core::valuation::Valuation;
use crypto_balance_core::wallets::Wallet;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiResult;
use crate::extract::Params;
use crate::ApiState;
use crypto_balance_core::ErrorReport;

/// The portfolio at a glance: what a dashboard tile shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct Portfolio {
    pub currency: Currency,
    /// Everything priced, in `currency`.
    pub total: Decimal,
    /// The total's move over 24 hours, where every price knows its own.
    pub change_24h: Option<Decimal>,
    pub change_24h_percent: Option<Decimal>,
    /// When the oldest price in the total was fetched (Unix seconds).
    pub as_of: Option<UnixTime>,
    pub unrealized_pnl: Option<Decimal>,
    pub cost_basis: Option<Decimal>,
    /// Holdings (a coin in an account) counted.
    pub holdings: usize,
    /// Held coins without a price: not in `total`, never counted as zero.
    pub missing_prices: Vec<CoinId>,
}

/// The base currency, or another the prices are kept in.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CurrencyParam {
    /// A currency code such as `usd` or `eur` (default: the base currency).
    pub currency: Option<String>,
}

/// The portfolio at a glance: total, 24-hour change, P/L and what has no price.
#[utoipa::path(get, path = "/portfolio", tag = "read", params(CurrencyParam),
    responses((status = 200, description = "OK", body = Portfolio), (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn portfolio(
    State(state): State<ApiState>,
    Params(query): Params<CurrencyParam>,
) -> ApiResult<Json<Portfolio>> {
    let valuation = state
        .valuations
        .valuation(&state.app, query.currency.as_deref())
        .await?;
    Ok(Json(Portfolio {
        currency: valuation.currency.clone(),
        total: valuation.total,
        change_24h: valuation.change_24h,
        change_24h_percent: valuation.change_24h_percent,
        as_of: valuation.as_of,
        unrealized_pnl: valuation.unrealized_pnl,
        cost_basis: valuation.cost_basis,
        holdings: valuation.holdings.len(),
        missing_prices: valuation.missing_prices.clone(),
    }))
}

/// Every holding valued, with its price and how old that price is.
#[utoipa::path(get, path = "/valuation", tag = "read", params(CurrencyParam),
    responses((status = 200, description = "Each holding valued, with its price's age", body = Valuation),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn valuation(
    State(state): State<ApiState>,
    Params(query): Params<CurrencyParam>,
) -> ApiResult<Json<Valuation>> {
    let valuation = state
        .valuations
        .valuation(&state.app, query.currency.as_deref())
        .await?;
    Ok(Json(valuation.as_ref().clone()))
}

/// Every coin in every account, with its average cost.
#[utoipa::path(get, path = "/holdings", tag = "read",
    responses((status = 200, description = "Each coin in each account", body = Vec<Holding>),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn holdings(State(state): State<ApiState>) -> ApiResult<Json<Vec<Holding>>> {
    Ok(Json(state.app.holdings().await?))
}

/// The accounts coins are held in.
#[utoipa::path(get, path = "/accounts", tag = "read",
    responses((status = 200, description = "OK", body = Vec<Account>), (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn accounts(State(state): State<ApiState>) -> ApiResult<Json<Vec<Account>>> {
    Ok(Json(state.app.accounts().await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatesParam {
    /// Coin ids or symbols, comma-separated (default: every coin priced so far).
    pub coins: Option<String>,
}

/// Last known prices in the base currency.
#[utoipa::path(get, path = "/rates", tag = "read", params(RatesParam),
    responses((status = 200, description = "Last known prices in the base currency", body = Vec<RateView>),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn rates(
    State(state): State<ApiState>,
    Params(query): Params<RatesParam>,
) -> ApiResult<Json<Vec<RateView>>> {
    let coins: Vec<String> = query
        .coins
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    Ok(Json(state.app.rates(&coins).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParam {
    /// The first day, Unix seconds (default: the first entry's day).
    pub from: Option<i64>,
    /// One coin, by id or symbol.
    pub coin: Option<String>,
    /// One account, by name.
    pub account: Option<String>,
}

/// Net worth and money put in, one point per day from the first entry.
#[utoipa::path(get, path = "/history", tag = "read", params(HistoryParam),
    responses((status = 200, description = "Net worth and money put in, one point per day", body = Vec<DayValue>),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn history(
    State(state): State<ApiState>,
    Params(query): Params<HistoryParam>,
) -> ApiResult<Json<Vec<DayValue>>> {
    let query = HistoryQuery {
        from: query.from.map(UnixTime::from_seconds),
        coin: query.coin,
        account: query.account,
    };
    Ok(Json(state.app.daily_history(&query).await?))
}

/// Every alert rule.
#[utoipa::path(get, path = "/alerts", tag = "read",
    responses((status = 200, description = "OK", body = Vec<AlertRule>), (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn alerts(State(state): State<ApiState>) -> ApiResult<Json<Vec<AlertRule>>> {
    Ok(Json(state.app.alerts().await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitParam {
    /// How many, newest first (default 50, at most 1000).
    pub limit: Option<u32>,
}

impl LimitParam {
    /// The limit asked for, or the default, and never more than the most.
    fn get(&self) -> u32 {
        self.limit.unwrap_or(50).min(1000)
    }
}

/// Alerts that fired, newest first.
#[utoipa::path(get, path = "/alerts/events", tag = "read", params(LimitParam),
    responses((status = 200, description = "Fired alerts, newest first", body = Vec<AlertEvent>),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn alert_events(
    State(state): State<ApiState>,
    Params(query): Params<LimitParam>,
) -> ApiResult<Json<Vec<AlertEvent>>> {
    Ok(Json(state.app.alert_history(query.get()).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfitParams {
    /// A calendar year (UTC) for realized figures (default: all time).
    pub year: Option<i32>,
    /// `fifo`, `lifo`, `hifo` or `average` (default: the vault's setting).
    pub method: Option<Method>,
    /// `per_account` or `pooled` (default: the vault's setting).
    pub scope: Option<Scope>,
}

/// Realized and unrealized P/L by the chosen cost-basis method.
#[utoipa::path(get, path = "/pl", tag = "read", params(ProfitParams),
    responses((status = 200, description = "Realized P/L over the period and unrealized now, per coin and account", body = ProfitLoss),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn profit_loss(
    State(state): State<ApiState>,
    Params(query): Params<ProfitParams>,
) -> ApiResult<Json<ProfitLoss>> {
    let query = ProfitQuery {
        year: query.year,
        method: query.method,
        scope: query.scope,
    };
    Ok(Json(state.app.profit_loss(&query).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MethodParam {
    /// `fifo`, `lifo`, `hifo` or `average` (default: the vault's setting).
    pub method: Option<Method>,
}

/// A coin's open lots.
#[utoipa::path(get, path = "/lots/{coin}", tag = "read",
    params(("coin" = String, Path, description = "Coin id or symbol"), MethodParam),
    responses((status = 200, description = "The coin's open lots: when acquired, how much, what it cost", body = CoinLots),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn lots(
    State(state): State<ApiState>,
    Path(coin): Path<String>,
    Params(query): Params<MethodParam>,
) -> ApiResult<Json<CoinLots>> {
    Ok(Json(state.app.coin_lots(&coin, query.method).await?))
}

/// Each attempt to send a fired alert to ntfy or a webhook, newest first.
#[utoipa::path(get, path = "/alerts/deliveries", tag = "read", params(LimitParam),
    responses((status = 200, description = "The delivery log", body = Vec<Delivery>),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn alert_deliveries(
    State(state): State<ApiState>,
    Params(query): Params<LimitParam>,
) -> ApiResult<Json<Vec<Delivery>>> {
    Ok(Json(state.app.alert_deliveries(query.get()).await?))
}

/// The watched wallets, with the block each was last scanned at.
#[utoipa::path(get, path = "/wallets", tag = "read",
    responses((status = 200, description = "Each watched wallet", body = Vec<Wallet>),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn wallets(State(state): State<ApiState>) -> ApiResult<Json<Vec<Wallet>>> {
    Ok(Json(state.app.wallets().await?))
}

/// Who saw what: each request sent to an outside service, newest first.
#[utoipa::path(get, path = "/privacy/log", tag = "read", params(LimitParam),
    responses((status = 200, description = "Requests to CoinGecko, DefiLlama, ntfy, webhooks and Esplora servers", body = Vec<Request>),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn privacy_log(
    State(state): State<ApiState>,
    Params(query): Params<LimitParam>,
) -> ApiResult<Json<Vec<Request>>> {
    Ok(Json(state.app.privacy_log(query.get()).await?))
}
