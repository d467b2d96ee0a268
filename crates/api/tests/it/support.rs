//! A served API over an unlocked vault, tokens for it, and a client that records each answer as
//! an example for `scripts/check-openapi` to check against the document's schemas.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use coingecko_fake::FakeCoinGecko;
use crypto_balance_api::{ApiState, ServeOptions};
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::sync::Refresher;
use crypto_balance_core::tokens::TokenScope;
use crypto_balance_core::vault::{KdfParams, MemoryKeychain};
use crypto_balance_core::{App, AppConfig, Passphrase};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;

/// A running API and what it serves.
#[allow(dead_code)] // each test uses what it needs
pub struct Served {
    pub app: Arc<App>,
    pub refresher: Arc<Refresher>,
    pub addr: SocketAddr,
    pub fake: FakeCoinGecko,
    /// The Esplora server watched wallets are scanned through.
    pub esplora: chain_fake::FakeEsplora,
    /// A read-write token.
    pub writer: String,
    /// A read-only token.
    pub reader: String,
    pub http: reqwest::Client,
    attempts: std::sync::Arc<crypto_balance_api::guard::Attempts>,
    _dir: TempDir,
}

impl Served {
    /// An unlocked vault with prices from the fake, its sync loop running, served on a free port.
    pub async fn start() -> Self {
        Self::start_with(ServeOptions::default()).await
    }

    /// [`Served::start`], with `/metrics` and CORS as `options` say.
    pub async fn start_with(options: ServeOptions) -> Self {
        let fake = FakeCoinGecko::start_default()
            .await
            .expect("the fake starts");
        let esplora = chain_fake::FakeEsplora::start()
            .await
            .expect("the fake starts");
        let dir = tempfile::tempdir().expect("a temp folder");
        let app = Arc::new(
            App::open(AppConfig {
                data_dir: Some(dir.path().to_path_buf()),
                keychain: Some(Arc::new(MemoryKeychain::default())),
                kdf: Some(KdfParams::insecure_for_tests()),
                coingecko: CoinGeckoOverrides {
                    base_url: Some(fake.base_url()),
                    timeout: Some(Duration::from_secs(2)),
                    ..CoinGeckoOverrides::default()
                },
                wallets: crypto_balance_core::wallets::ProviderOverrides {
                    esplora_url: Some(esplora.url()),
                    ..Default::default()
                },
                ..AppConfig::default()
            })
            .expect("the app opens"),
        );
        let refresher = Arc::new(Refresher::new(app.clone()));
        refresher
            .create_vault(&Passphrase::new("correct horse battery".into()), false)
            .await
            .expect("creates the vault");
        let (_, writer) = app
            .create_api_token("script", TokenScope::ReadWrite)
            .await
            .expect("a token");
        let (_, reader) = app
            .create_api_token("dashboard", TokenScope::Read)
            .await
            .expect("a token");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("an address");
        let state = ApiState::new(app.clone(), refresher.clone(), addr)
            .with_metrics(options.metrics)
            .with_cors(options.cors_origins);
        let attempts = state.attempts.clone();
        tokio::spawn(crypto_balance_api::serve(
            listener,
            state,
            std::future::pending(),
        ));
        Self {
            app,
            refresher,
            addr,
            fake,
            esplora,
            writer: writer.expose().to_owned(),
            reader: reader.expose().to_owned(),
            http: reqwest::Client::new(),
            attempts,
            _dir: dir,
        }
    }

    /// Forgets failed attempts (a test that means to fail many times in a row).
    pub fn attempts_reset(&self) {
        self.attempts.forget_all();
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}/api/v1{path}", self.addr)
    }

    /// A GET of `path`, for a test that sets its own headers or reads the answer's; send it with
    /// [`answered`].
    pub fn request(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(self.url(path))
    }

    /// Sends a request with `token` (if any) and a JSON body (if any); returns status and JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method.clone(), self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the API answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON")
        };
        record_example(&method, path, status, &json);
        (status, json)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(&self.reader.clone()), None)
            .await
    }

    pub async fn write(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call(method, path, Some(&self.writer.clone()), body)
            .await
    }
}

/// Sends a request built with [`Served::request`] and returns the answer as it came.
pub async fn answered(request: reqwest::RequestBuilder) -> reqwest::Response {
    request.send().await.expect("the API answers")
}

/// Keeps an answer for the schema check (`scripts/check-openapi`): one file per answer, named
/// after its method, path and status, in cargo's scratch folder for integration tests.
pub fn record_example(method: &Method, path: &str, status: StatusCode, body: &Value) {
    if body.is_null() {
        return;
    }
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("api-examples");
    if std::fs::create_dir_all(&folder).is_err() {
        return;
    }
    let path_only = path.split('?').next().unwrap_or(path);
    let name: String = format!("{method}{path_only}-{}", status.as_u16())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let example = serde_json::json!({
        "method": method.as_str().to_lowercase(),
        "path": path_only,
        "status": status.as_u16(),
        "body": body,
    });
    let _ = std::fs::write(folder.join(format!("{name}.json")), example.to_string());
}
