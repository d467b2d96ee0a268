//! A local stand-in for the CoinGecko API v3 (`../shared/coingecko.md`), bound to 127.0.0.1 on a
//! port the OS picks. It shares no code with `crypto-balance-core`, so a misreading of the API in
//! one cannot hide the same misreading in the other.
//!
//! Today it answers `GET /api/v3/ping` and CoinGecko-shaped 404s; the rates issue adds the price,
//! list, search and chart endpoints, plan rules and injectable failures.

use std::net::SocketAddr;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The path prefix of every API route, as on api.coingecko.com.
pub const API_PREFIX: &str = "/api/v3";

/// A running fake. Dropping it stops the server.
#[derive(Debug)]
pub struct FakeCoinGecko {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl FakeCoinGecko {
    /// Starts the fake on `127.0.0.1:port` (0 = any free port).
    pub async fn start(port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router())
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self {
            addr,
            stop: Some(stop),
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:43121/api/v3` (no trailing slash,
    /// like CoinGecko's own).
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.addr)
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.map_err(std::io::Error::other)?
    }
}

impl Drop for FakeCoinGecko {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn router() -> Router {
    let api = Router::new().route("/ping", get(ping));
    Router::new().nest(API_PREFIX, api).fallback(not_found)
}

async fn ping() -> impl IntoResponse {
    Json(json!({ "gecko_says": "(V3) To the Moon!" }))
}

/// CoinGecko answers unknown routes with a flat `{"error": …}` body.
async fn not_found() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, Json(json!({ "error": "Not Found" })))
}
