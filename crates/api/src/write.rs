//! The write endpoints: each is one core call, which publishes its own event, so the desktop,
//! the daemon and every event stream see an API change like any other.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use crypto_balance_core::alerts::{AlertChange, AlertRule, NewAlert};
use crypto_balance_core::holdings::{HoldingChange, NewHolding};
use crypto_balance_core::ids::{AlertId, BatchId};
use crypto_balance_core::money::Amount;
use crypto_balance_core::sync::SyncCommand;
use crypto_balance_core::wallets::ScanReport;
use crypto_balance_core::ErrorCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Params};
use crate::ApiState;
use crypto_balance_core::ErrorReport;

/// Adds coins to an account (a buy, a deposit, a gift).
#[utoipa::path(post, path = "/holdings", tag = "write", request_body = NewHolding,
    responses((status = 201, description = "Added as one batch (undo it by its id)", body = HoldingChange),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn add_holding(
    State(state): State<ApiState>,
    Body(new): Body<NewHolding>,
) -> ApiResult<(StatusCode, Json<HoldingChange>)> {
    Ok((StatusCode::CREATED, Json(state.app.add_holding(new).await?)))
}

/// The amount a holding should have from now on.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SetHolding {
    pub amount: Amount,
    /// The account (needed when the coin is held in several).
    pub account: Option<String>,
}

/// Sets a holding's amount; the difference becomes one entry.
#[utoipa::path(put, path = "/holdings/{coin}", tag = "write", request_body = SetHolding,
    params(("coin" = String, Path, description = "Coin id or symbol")),
    responses((status = 200, description = "OK", body = HoldingChange), (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn set_holding(
    State(state): State<ApiState>,
    Path(coin): Path<String>,
    Body(set): Body<SetHolding>,
) -> ApiResult<Json<HoldingChange>> {
    let change = state
        .app
        .set_holding(&coin, set.amount, set.account.as_deref())
        .await?;
    Ok(Json(change))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountParam {
    /// The account (needed when the coin is held in several).
    pub account: Option<String>,
}

/// Removes a holding (its history stays, undoable).
#[utoipa::path(delete, path = "/holdings/{coin}", tag = "write",
    params(("coin" = String, Path, description = "Coin id or symbol"), AccountParam),
    responses((status = 200, description = "Removed as one batch (undo it by its id)", body = HoldingChange),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn remove_holding(
    State(state): State<ApiState>,
    Path(coin): Path<String>,
    Params(query): Params<AccountParam>,
) -> ApiResult<Json<HoldingChange>> {
    let change = state
        .app
        .remove_holding(&coin, query.account.as_deref())
        .await?;
    Ok(Json(change))
}

/// Undoes one change or import by its batch id.
#[utoipa::path(post, path = "/batches/{id}/undo", tag = "write",
    params(("id" = i64, Path, description = "The batch id a change or an import returned")),
    responses((status = 204, description = "Undone"), (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn undo(State(state): State<ApiState>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let id: BatchId = id.parse().map_err(|e: crypto_balance_core::ids::IdError| {
        ApiError::new(ErrorCode::InvalidInput, e.to_string())
    })?;
    state.app.undo(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds an alert rule.
#[utoipa::path(post, path = "/alerts", tag = "write", request_body = NewAlert,
    responses((status = 201, description = "Created", body = AlertRule), (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn add_alert(
    State(state): State<ApiState>,
    Body(new): Body<NewAlert>,
) -> ApiResult<(StatusCode, Json<AlertRule>)> {
    Ok((StatusCode::CREATED, Json(state.app.add_alert(new).await?)))
}

fn alert_id(text: &str) -> ApiResult<AlertId> {
    text.parse()
        .map_err(|e: crypto_balance_core::ids::IdError| {
            ApiError::new(ErrorCode::InvalidInput, e.to_string())
        })
}

async fn pause(state: &ApiState, id: &str, paused: bool) -> ApiResult<Json<AlertRule>> {
    let change = AlertChange {
        paused: Some(paused),
        ..AlertChange::default()
    };
    Ok(Json(state.app.update_alert(alert_id(id)?, &change).await?))
}

/// Pauses a rule until resumed.
#[utoipa::path(post, path = "/alerts/{id}/pause", tag = "write",
    params(("id" = i64, Path, description = "The rule's id")),
    responses((status = 200, description = "OK", body = AlertRule), (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn pause_alert(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> ApiResult<Json<AlertRule>> {
    pause(&state, &id, true).await
}

/// Resumes a paused rule.
#[utoipa::path(post, path = "/alerts/{id}/resume", tag = "write",
    params(("id" = i64, Path, description = "The rule's id")),
    responses((status = 200, description = "OK", body = AlertRule), (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn resume_alert(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> ApiResult<Json<AlertRule>> {
    pause(&state, &id, false).await
}

/// Deletes a rule.
#[utoipa::path(delete, path = "/alerts/{id}", tag = "write",
    params(("id" = i64, Path, description = "The rule's id")),
    responses((status = 204, description = "Deleted (its fired events stay in the history)"),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn delete_alert(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.delete_alert(alert_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which wallet to scan.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScanParam {
    /// The wallet's name (default: every wallet).
    pub name: Option<String>,
}

/// Scans the watched wallets (or the one named) now; a provider's failure is in its report.
#[utoipa::path(post, path = "/wallets/scan", tag = "write", params(ScanParam),
    responses((status = 200, description = "One report per wallet scanned", body = Vec<ScanReport>),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn scan_wallets(
    State(state): State<ApiState>,
    Params(query): Params<ScanParam>,
) -> ApiResult<Json<Vec<ScanReport>>> {
    Ok(Json(state.app.scan_wallets(query.name.as_deref()).await?))
}

/// Asks the sync loop to refresh prices now.
#[utoipa::path(post, path = "/refresh", tag = "write",
    responses((status = 202, description = "A refresh was asked of the sync loop; a `rates-updated` event follows"),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn refresh(State(state): State<ApiState>) -> ApiResult<StatusCode> {
    if state.refresher.send(SyncCommand::RefreshNow).await {
        return Ok(StatusCode::ACCEPTED);
    }
    let status = state.refresher.status().await;
    Err(ApiError::new(
        ErrorCode::Conflict,
        status
            .message
            .unwrap_or_else(|| "rates are not being refreshed by this process".to_owned()),
    ))
}
