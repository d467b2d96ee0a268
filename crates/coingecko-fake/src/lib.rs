//! A local stand-in for the CoinGecko API v3 (`../shared/coingecko.md`), bound to 127.0.0.1 on a
//! port the OS picks. It shares no code with `crypto-balance-core`, so a misreading of the API in
//! one cannot hide the same misreading in the other.
//!
//! It serves `/ping`, `/simple/price`, `/simple/supported_vs_currencies`, `/coins/list`,
//! `/coins/markets`, `/search` and `/coins/{id}/market_chart[/range]` from a configurable coin set,
//! plays either host with its key rules, answers URLs longer than a limit with 414, and serves
//! injected failures. Under `/llama` it also plays DefiLlama's `coins.llama.fi/chart`, the second
//! source of old daily prices. Every request is recorded so tests can count calls. Tests drive it
//! through this library; scripts drive the binary through the `/__fake/` control routes.

mod failure;
mod llama;
mod market;
mod plan;
mod routes;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use failure::{Failure, Injected};
pub use llama::LLAMA_PREFIX;
pub use market::{default_coins, ruby_float_text, Coin, Market};
pub use plan::{Host, Keys};

/// The path prefix of every API route, as on api.coingecko.com.
pub const API_PREFIX: &str = "/api/v3";

/// The URL length above which the fake answers 414, like the front servers of the real API.
pub const DEFAULT_MAX_URL_LENGTH: usize = 8_192;

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    pub host: Host,
    pub keys: Keys,
    pub coins: Vec<Coin>,
    pub max_url_length: usize,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            host: Host::Public,
            keys: Keys::default(),
            coins: default_coins(),
            max_url_length: DEFAULT_MAX_URL_LENGTH,
        }
    }
}

/// One request the fake received, with the status it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedRequest {
    /// The path after `/api/v3`, e.g. `/simple/price`.
    pub path: String,
    pub query: String,
    /// Which key header was sent (its name, never the key).
    pub key_header: Option<String>,
    pub status: u16,
    /// When it arrived, in milliseconds since 1970, so a test can check calls per minute.
    pub at_ms: u64,
}

#[derive(Debug)]
struct FakeState {
    host: Host,
    keys: Keys,
    market: Market,
    max_url_length: usize,
    failures: VecDeque<Injected>,
    requests: Vec<RecordedRequest>,
}

/// The state handlers share.
#[derive(Debug, Clone)]
struct Shared(Arc<Mutex<FakeState>>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, FakeState> {
        // A handler never panics while holding the lock; recover the data if one ever did.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running fake. Dropping it stops the server.
#[derive(Debug)]
pub struct FakeCoinGecko {
    addr: SocketAddr,
    shared: Shared,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl FakeCoinGecko {
    /// Starts the fake with `config` on `127.0.0.1:port` (0 = any free port).
    pub async fn start(config: FakeConfig, port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let shared = Shared(Arc::new(Mutex::new(FakeState {
            host: config.host,
            keys: config.keys,
            market: Market::new(config.coins),
            max_url_length: config.max_url_length,
            failures: VecDeque::new(),
            requests: Vec::new(),
        })));
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self {
            addr,
            shared,
            stop: Some(stop),
            task,
        })
    }

    /// Starts a public-host fake with the default coins on any free port.
    pub async fn start_default() -> std::io::Result<Self> {
        Self::start(FakeConfig::default(), 0).await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:43121/api/v3` (no trailing slash,
    /// like CoinGecko's own).
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.addr)
    }

    /// The base URL to give a DefiLlama client, e.g. `http://127.0.0.1:43121/llama`.
    pub fn llama_url(&self) -> String {
        format!("http://{}{LLAMA_PREFIX}", self.addr)
    }

    /// Sets the exact number text sent for a coin's price in `currency` (e.g. `8.69e-05`, `null`).
    pub fn set_price(&self, id: &str, currency: &str, text: &str) -> bool {
        self.shared.lock().market.set_raw_price(id, currency, text)
    }

    /// Adds or replaces a coin.
    pub fn add_coin(&self, coin: Coin) {
        self.shared.lock().market.insert(coin);
    }

    /// Serves `failure` to the next `times` matching requests.
    pub fn inject(&self, failure: Failure, times: u32, path: Option<&str>) {
        self.shared.lock().failures.push_back(Injected {
            failure,
            times,
            path: path.map(str::to_owned),
        });
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// How many requests hit `path` (e.g. `/simple/price`).
    pub fn calls_to(&self, path: &str) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
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
        // A hung handler would keep a graceful shutdown waiting: end the task outright.
        self.task.abort();
    }
}

fn router(shared: Shared) -> Router {
    let api = Router::new()
        .route("/ping", get(routes::ping))
        .route("/simple/price", get(routes::simple_price))
        .route(
            "/simple/supported_vs_currencies",
            get(routes::supported_vs_currencies),
        )
        .route("/coins/list", get(routes::coins_list))
        .route("/coins/markets", get(routes::coins_markets))
        .route("/search", get(routes::search))
        .route("/coins/{id}/market_chart", get(routes::market_chart))
        .route(
            "/coins/{id}/market_chart/range",
            get(routes::market_chart_range),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), gatekeeper));
    let llama = Router::new()
        .route("/chart/{coins}", get(llama::chart))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), llama_gate));
    let control = Router::new()
        .route("/price", post(control_price))
        .route("/failure", post(control_failure))
        .route("/requests", get(control_requests).delete(control_clear));
    Router::new()
        .nest(API_PREFIX, api)
        .nest(LLAMA_PREFIX, llama)
        .nest("/__fake", control)
        .fallback(not_found)
        .with_state(shared)
}

/// CoinGecko answers unknown routes with a flat `{"error": …}` body.
async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": "Not Found" }))).into_response()
}

fn key_header(headers: &HeaderMap, query: &[(String, String)]) -> Option<String> {
    ["x-cg-demo-api-key", "x-cg-pro-api-key"]
        .into_iter()
        .find(|name| {
            headers.contains_key(*name) || query.iter().any(|(k, _)| *k == name.replace('-', "_"))
        })
        .map(str::to_owned)
}

/// Records a request as it arrives, with the time; [`answered`] adds its status.
fn record(shared: &Shared, mut request: RecordedRequest) -> usize {
    request.at_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    let mut state = shared.lock();
    state.requests.push(request);
    state.requests.len() - 1
}

fn answered(shared: &Shared, index: usize, response: &Response) {
    if let Some(recorded) = shared.lock().requests.get_mut(index) {
        recorded.status = response.status().as_u16();
    }
}

/// Runs before every API route: records the request, then applies the URL limit, any injected
/// failure and the host's key rules, in the order the real front servers do.
async fn gatekeeper(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let uri = request.uri().clone();
    let path = uri
        .path()
        .strip_prefix(API_PREFIX)
        .unwrap_or(uri.path())
        .to_owned();
    let query = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default();
    let headers = request.headers().clone();
    let index = record(
        &shared,
        RecordedRequest {
            path: path.clone(),
            query: uri.query().unwrap_or_default().to_owned(),
            key_header: key_header(&headers, &query),
            status: 0,
            at_ms: 0,
        },
    );
    let response = screen(&shared, &path, &uri, &headers, &query, request, next).await;
    answered(&shared, index, &response);
    response
}

/// Runs before every DefiLlama route: records it (its path starting `/llama`) and serves any
/// failure injected for that path. DefiLlama takes no key.
async fn llama_gate(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let uri = request.uri().clone();
    let path = format!("{LLAMA_PREFIX}{}", uri.path());
    let index = record(
        &shared,
        RecordedRequest {
            path: path.clone(),
            query: uri.query().unwrap_or_default().to_owned(),
            key_header: None,
            status: 0,
            at_ms: 0,
        },
    );
    let failure = take_failure(&mut shared.lock().failures, &path);
    let response = match failure {
        Some(Failure::Hang) => std::future::pending().await,
        Some(failure) => {
            if let Some(delay) = failure.delay() {
                tokio::time::sleep(delay).await;
            }
            match failure.response() {
                Some(response) => response,
                None => next.run(request).await,
            }
        }
        None => next.run(request).await,
    };
    answered(&shared, index, &response);
    response
}

async fn screen(
    shared: &Shared,
    path: &str,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    query: &[(String, String)],
    mut request: Request,
    next: Next,
) -> Response {
    let (too_long, failure, access) = {
        let mut state = shared.lock();
        let too_long = uri.to_string().len() > state.max_url_length;
        let failure = take_failure(&mut state.failures, path);
        let access = plan::authorize(state.host, &state.keys, headers, query);
        (too_long, failure, access)
    };
    if too_long {
        return (
            StatusCode::URI_TOO_LONG,
            [("content-type", "text/html")],
            "<html><head><title>414 Request-URI Too Large</title></head><body><center><h1>414 Request-URI Too Large</h1></center></body></html>",
        )
            .into_response();
    }
    if let Some(failure) = failure {
        if failure == Failure::Hang {
            std::future::pending::<()>().await;
        }
        if let Some(delay) = failure.delay() {
            tokio::time::sleep(delay).await;
        }
        if let Some(response) = failure.response() {
            return response;
        }
    }
    match access {
        Ok(access) => {
            request.extensions_mut().insert(access);
            next.run(request).await
        }
        Err(refused) => refused,
    }
}

fn take_failure(failures: &mut VecDeque<Injected>, path: &str) -> Option<Failure> {
    let position = failures.iter().position(|f| {
        f.path
            .as_deref()
            .is_none_or(|prefix| path.starts_with(prefix))
    })?;
    let injected = failures.get_mut(position)?;
    let failure = injected.failure.clone();
    injected.times = injected.times.saturating_sub(1);
    if injected.times == 0 {
        failures.remove(position);
    }
    Some(failure)
}

#[derive(Debug, Deserialize)]
struct PriceChange {
    id: String,
    currency: String,
    /// Number text sent verbatim.
    price: String,
}

async fn control_price(State(shared): State<Shared>, Json(change): Json<PriceChange>) -> Response {
    let known = shared
        .lock()
        .market
        .set_raw_price(&change.id, &change.currency, &change.price);
    if known {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found().await
    }
}

async fn control_failure(State(shared): State<Shared>, Json(injected): Json<Injected>) -> Response {
    shared.lock().failures.push_back(injected);
    StatusCode::NO_CONTENT.into_response()
}

async fn control_requests(State(shared): State<Shared>) -> Response {
    Json(shared.lock().requests.clone()).into_response()
}

async fn control_clear(State(shared): State<Shared>) -> Response {
    shared.lock().requests.clear();
    StatusCode::NO_CONTENT.into_response()
}
