//! `GET /metrics` for Prometheus (OpenMetrics text), token-protected and off unless asked for:
//! the sync loop's state and the age of its last refresh, requests to each outside service by
//! outcome, alerts fired, and, only when the values are turned on too, the portfolio's value per
//! coin and account. Built afresh per scrape from what the app already knows.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use crypto_balance_core::calls;
use crypto_balance_core::sync::SyncState;
use crypto_balance_core::ErrorCode;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use rust_decimal::prelude::ToPrimitive;

use crate::error::{ApiError, ApiResult};
use crate::ApiState;

/// What `/metrics` shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetricsOptions {
    /// Serve `/metrics` at all.
    pub enabled: bool,
    /// Include what the portfolio is worth, per coin and account.
    pub values: bool,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    provider: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HoldingLabels {
    coin: String,
    account: String,
    currency: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CurrencyLabel {
    currency: String,
}

type FloatGauge = Gauge<f64, std::sync::atomic::AtomicU64>;

const STATES: [(SyncState, &str); 7] = [
    (SyncState::Starting, "starting"),
    (SyncState::Syncing, "syncing"),
    (SyncState::Idle, "idle"),
    (SyncState::Paused, "paused"),
    (SyncState::BackingOff, "backing_off"),
    (SyncState::NeedsAttention, "needs_attention"),
    (SyncState::Stopped, "stopped"),
];

async fn registry(state: &ApiState) -> ApiResult<Registry> {
    let mut registry = Registry::with_prefix("crypto_balance");
    let status = state.refresher.status().await;
    let sync = Family::<StateLabel, Gauge>::default();
    for (each, name) in STATES {
        let on = i64::from(status.state == each);
        sync.get_or_create(&StateLabel { state: name.into() })
            .set(on);
    }
    registry.register(
        "sync_state",
        "The sync loop's state (1 for the current one)",
        sync,
    );
    if let Some(at) = status.last_success_at {
        let age = Gauge::<i64>::default();
        age.set((state.app.now() - at.seconds()).max(0));
        registry.register(
            "last_refresh_age_seconds",
            "Seconds since the last successful refresh of prices",
            age,
        );
    }
    let requests = Family::<CallLabels, Counter>::default();
    for (provider, outcome, count) in calls::counts() {
        let labels = CallLabels {
            provider: provider.as_str().into(),
            outcome: outcome.as_str().into(),
        };
        requests.get_or_create(&labels).inc_by(count);
    }
    registry.register(
        "outbound_requests",
        "Requests this process sent to outside services, by outcome",
        requests,
    );
    let fired = Counter::<u64>::default();
    fired.inc_by(state.app.alerts_fired_count().await?);
    registry.register(
        "alerts_fired",
        "Alerts fired since the vault was made",
        fired,
    );
    if state.metrics.values {
        let valuation = state.valuations.valuation(&state.app, None).await?;
        let currency = valuation.currency.to_string();
        let holdings = Family::<HoldingLabels, FloatGauge>::default();
        for holding in &valuation.holdings {
            if let Some(value) = holding.value.and_then(|v| v.to_f64()) {
                let labels = HoldingLabels {
                    coin: holding.holding.coin.to_string(),
                    account: holding.holding.account.clone(),
                    currency: currency.clone(),
                };
                holdings.get_or_create(&labels).set(value);
            }
        }
        registry.register(
            "holding_value",
            "What each holding is worth in the base currency",
            holdings,
        );
        let total = Family::<CurrencyLabel, FloatGauge>::default();
        total
            .get_or_create(&CurrencyLabel { currency })
            .set(valuation.total.to_f64().unwrap_or(0.0));
        registry.register(
            "portfolio_value",
            "What everything priced is worth in the base currency",
            total,
        );
    }
    Ok(registry)
}

pub async fn metrics(State(state): State<ApiState>) -> ApiResult<Response> {
    if !state.metrics.enabled {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "metrics are off: start the daemon with --metrics",
        ));
    }
    let registry = registry(&state).await?;
    let mut text = String::new();
    encode(&mut text, &registry)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot write metrics: {e}")))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
