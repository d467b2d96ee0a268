//! The local HTTP API: the app's data and changes for a person's own tools (a dashboard, a
//! script, a spreadsheet), served by `crypto-balance daemon --api`.
//!
//! - [`guard`]: the `Host` check, the failed-attempt limit and bearer tokens with scopes.
//! - [`read`] and [`write`]: one handler per endpoint, each one core call.
//! - [`import`]: a CSV upload, previewed or imported as one batch.
//! - [`metrics`]: `/metrics` for Prometheus, off unless asked for.
//! - [`events`]: the app's events as server-sent events.
//! - [`cache`]: one valuation shared by reads until something changes.
//! - [`docs`]: the interactive docs page, bundled (no CDN).
//! - [`server`]: a served API that can be started and stopped (daemon, desktop).
//! - [`error`]: `{code, message}` with the app's stable codes, and their HTTP statuses.
//!
//! Everything is under `/api/v1`; the OpenAPI document, generated from the same Rust types, is
//! at `/api/v1/openapi.json` and committed as `docs/openapi.json`.

pub mod cache;
pub mod docs;
pub mod error;
pub mod events;
pub mod extract;
pub mod guard;
pub mod import;
pub mod metrics;
pub mod read;
pub mod server;
pub mod write;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{header, HeaderValue, Method};
use axum::routing::get;
use axum::{middleware, Json, Router};
use crypto_balance_core::sync::Refresher;
use crypto_balance_core::App;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use server::{ServeOptions, Server};

/// The port the API listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7823;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct ApiState {
    pub app: Arc<App>,
    /// The process's sync loop, asked for "refresh now".
    pub refresher: Arc<Refresher>,
    /// The `Host` values the bound address answers to.
    pub hosts: Arc<Vec<String>>,
    pub attempts: Arc<guard::Attempts>,
    pub metrics: metrics::MetricsOptions,
    pub valuations: Arc<cache::ValuationCache>,
    /// Web origins whose pages may call the API (CORS); none unless the user names them.
    pub cors_origins: Vec<HeaderValue>,
}

impl ApiState {
    pub fn new(app: Arc<App>, refresher: Arc<Refresher>, bound: SocketAddr) -> Self {
        Self {
            app,
            refresher,
            hosts: Arc::new(guard::allowed_hosts(bound)),
            attempts: Arc::default(),
            metrics: metrics::MetricsOptions::default(),
            valuations: Arc::default(),
            cors_origins: Vec::new(),
        }
    }

    /// Lets pages from `origins` (e.g. `http://localhost:8123`) call the API from a browser.
    pub fn with_cors(mut self, origins: Vec<HeaderValue>) -> Self {
        self.cors_origins = origins;
        self
    }

    /// Serves `/metrics` as `options` say.
    pub fn with_metrics(mut self, options: metrics::MetricsOptions) -> Self {
        self.metrics = options;
        self
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Crypto Balance local API",
        description = "Your portfolio for your own tools. Every endpoint but this document needs \
            `Authorization: Bearer <token>` (make one with `crypto-balance api token create`). \
            Decimals are strings; times are Unix seconds; errors are `{code, message}` with the \
            app's stable codes. Nothing is served while the vault is locked (423)."
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "read", description = "What the app shows"),
        (name = "write", description = "Changes (needs a read-write token)"),
        (name = "live", description = "Events as they happen")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

fn data_routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(read::portfolio))
        .routes(routes!(read::valuation))
        .routes(routes!(read::holdings, write::add_holding))
        .routes(routes!(write::set_holding, write::remove_holding))
        .routes(routes!(read::accounts))
        .routes(routes!(read::rates))
        .routes(routes!(read::history))
        .routes(routes!(read::profit_loss))
        .routes(routes!(read::lots))
        .routes(routes!(read::alerts, write::add_alert))
        .routes(routes!(read::alert_events))
        .routes(routes!(read::alert_deliveries))
        .routes(routes!(read::privacy_log))
        .routes(routes!(read::wallets))
        .routes(routes!(write::scan_wallets))
        .routes(routes!(write::pause_alert))
        .routes(routes!(write::resume_alert))
        .routes(routes!(write::delete_alert))
        .routes(routes!(write::undo))
        .routes(routes!(write::refresh))
        .routes(utoipa_axum::router::UtoipaMethodRouterExt::layer(
            routes!(import::import),
            import::body_limit(),
        ))
        .routes(routes!(events::events))
}

/// The OpenAPI 3.1 document of every endpoint.
pub fn openapi() -> utoipa::openapi::OpenApi {
    data_routes().split_for_parts().1
}

/// The whole API: the document and its docs page are public, everything else (`/metrics`
/// included) passes [`guard::authorize`], and every request passes [`guard::check_host`].
pub fn router(state: ApiState) -> Router {
    let (data, document) = data_routes().split_for_parts();
    let authorize = || middleware::from_fn_with_state(state.clone(), guard::authorize);
    // Where Prometheus looks by default, outside the versioned API.
    let scrape = Router::new()
        .route("/metrics", get(metrics::metrics))
        .route_layer(authorize());
    let data = data.route_layer(authorize());
    let document = Arc::new(document);
    let api = data
        .route(
            "/openapi.json",
            get(move || {
                let document = document.clone();
                async move { Json(document.as_ref().clone()) }
            }),
        )
        .route("/docs", get(docs::page))
        .route("/docs/rapidoc-min.js", get(docs::script));
    let router = Router::new()
        .nest("/api/v1", api)
        .merge(scrape)
        .fallback(no_such_endpoint)
        .method_not_allowed_fallback(no_such_method);
    // Without named origins no CORS header is sent, so browsers keep other sites' pages from
    // reading answers. With them, their preflights are answered before the token check.
    let router = if state.cors_origins.is_empty() {
        router
    } else {
        router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(state.cors_origins.clone()))
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        )
    };
    router
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::check_host,
        ))
        .with_state(state)
}

async fn no_such_endpoint(uri: axum::http::Uri) -> error::ApiError {
    error::ApiError::new(
        crypto_balance_core::ErrorCode::NotFound,
        format!("no endpoint at {uri}; the endpoints are listed in /api/v1/openapi.json"),
    )
}

async fn no_such_method(method: axum::http::Method, uri: axum::http::Uri) -> error::ApiError {
    error::ApiError::new(
        crypto_balance_core::ErrorCode::InvalidInput,
        format!("{uri} does not take {method}; see /api/v1/openapi.json"),
    )
}

/// Serves the API on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: ApiState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
