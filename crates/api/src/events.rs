//! Server-sent events: the same events the desktop window listens to, one SSE event each, named
//! as in the app (`holdings-changed`, `rates-updated`, …) with the payload as JSON data. The
//! stream ends when the vault locks.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use crypto_balance_core::events::Event;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use crate::ApiState;

/// Comments sent while nothing happens, so proxies and clients keep the connection.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

fn sse_event(event: &Event) -> SseEvent {
    let payload = serde_json::to_value(event)
        .ok()
        .and_then(|mut v| v.get_mut("payload").map(serde_json::Value::take))
        .unwrap_or(serde_json::Value::Null);
    SseEvent::default()
        .event(event.name())
        .data(payload.to_string())
}

/// The app's events as they happen (server-sent events).
#[utoipa::path(get, path = "/events", tag = "live",
    responses((status = 200, content_type = "text/event-stream",
        description = "One SSE event per app event: `holdings-changed`, `accounts-changed`, \
            `rates-updated`, `sync-status`, `alert-fired`, `import-progress`, \
            `backfill-progress`, `wallet-scanned`, `vault-locked`; the data is the event's JSON \
            payload (`null` when it has none). `lagged` means events were missed: re-read what you show. The \
            stream ends when the vault locks.",
        body = String),
        (status = "4XX", description = "The app's error: a stable code and a message",
            body = crypto_balance_core::ErrorReport)))]
pub async fn events(
    State(state): State<ApiState>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let stream = BroadcastStream::new(state.app.subscribe())
        .take_while(|received| !matches!(received, Ok(Event::VaultLocked)))
        .map(|received| match received {
            Ok(event) => sse_event(&event),
            Err(BroadcastStreamRecvError::Lagged(missed)) => {
                SseEvent::default().event("lagged").data(missed.to_string())
            }
        })
        // Locked (or the app closing): say so, then end.
        .chain(tokio_stream::once(sse_event(&Event::VaultLocked)))
        .map(Ok);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}
