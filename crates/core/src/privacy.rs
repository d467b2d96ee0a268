//! The privacy log, "who saw what": every request this app sent to an outside service, with what
//! it asked and when, kept in the vault. The clients note requests in the app's
//! [`RequestLog`](crate::calls::RequestLog); the app writes them here after each refresh, before
//! locking, and when the log is read.

use serde::Serialize;
use specta::Type;

use crate::calls::Sent;
use crate::clock::UnixTime;
use crate::store::{Store, StoreError};

/// One request, as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema, sqlx::FromRow)]
pub struct Request {
    /// `coingecko`, `defillama`, `ntfy`, `webhook`.
    pub provider: String,
    /// What the service was asked, e.g. `GET /simple/price?ids=bitcoin&vs_currencies=usd`.
    pub asked: String,
    /// `ok`, `rate_limited`, `refused` or `unreachable`.
    pub outcome: String,
    pub at: UnixTime,
}

/// Writes `sent` in one transaction (a note first when older requests were dropped unwritten).
pub async fn save(store: &Store, sent: &[Sent], dropped: u64) -> Result<(), StoreError> {
    if sent.is_empty() && dropped == 0 {
        return Ok(());
    }
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    if dropped > 0 {
        sqlx::query(
            "INSERT INTO request_log (provider, asked, outcome, at) VALUES ('app', ?, 'ok', ?)",
        )
        .bind(format!(
            "{dropped} older requests were not kept (more than 10,000 between saves)"
        ))
        .bind(sent.first().map_or(0, |s| s.at))
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    }
    for request in sent {
        sqlx::query("INSERT INTO request_log (provider, asked, outcome, at) VALUES (?, ?, ?, ?)")
            .bind(request.provider.as_str())
            .bind(&request.asked)
            .bind(request.outcome.as_str())
            .bind(request.at)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
    }
    tx.commit().await.map_err(err)
}

/// The newest `limit` requests, newest first.
pub async fn log(store: &Store, limit: u32) -> Result<Vec<Request>, StoreError> {
    sqlx::query_as(
        "SELECT provider, asked, outcome, at FROM request_log ORDER BY at DESC, id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))
}
