//! Local stand-ins for the places alerts are delivered to, on 127.0.0.1: an ntfy server
//! (`POST /ntfy/{topic}`, optionally wanting a bearer token) and a webhook receiver
//! (`POST /webhook`) that checks each body's `X-Crypto-Balance-Signature` as the README tells a
//! receiver to. Either can be told to fail the next requests (an HTTP status, or no answer for a
//! while). Shares no code with core, so a mistake in the sender cannot pass by being mirrored.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// What the next requests get instead of a 200.
#[derive(Debug, Clone, Copy)]
pub enum Failure {
    Status(u16),
    /// No answer for this long (the sender's timeout should fire first).
    Silence(Duration),
}

/// One message an ntfy topic received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NtfyMessage {
    pub topic: String,
    pub title: Option<String>,
    pub authorization: Option<String>,
    pub body: String,
}

/// One body the webhook received, and whether its signature was right.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookCall {
    pub signature_valid: bool,
    pub body: serde_json::Value,
}

#[derive(Debug, Default)]
struct Inbox {
    /// The token an ntfy topic wants, if any.
    ntfy_token: Option<String>,
    webhook_secret: String,
    failures: Vec<Failure>,
    ntfy: Vec<NtfyMessage>,
    webhook: Vec<WebhookCall>,
    requests: usize,
}

type Shared = Arc<Mutex<Inbox>>;

/// A running receiver; dropping it stops the server.
#[derive(Debug)]
pub struct Receivers {
    addr: SocketAddr,
    inbox: Shared,
    _stop: oneshot::Sender<()>,
}

fn lock(inbox: &Shared) -> std::sync::MutexGuard<'_, Inbox> {
    inbox.lock().unwrap_or_else(|p| p.into_inner())
}

impl Receivers {
    /// Starts on a free port; the webhook checks signatures made with `webhook_secret`.
    pub async fn start(webhook_secret: &str) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let inbox: Shared = Arc::new(Mutex::new(Inbox {
            webhook_secret: webhook_secret.to_owned(),
            ..Inbox::default()
        }));
        let app = Router::new()
            .route("/ntfy/{topic}", post(ntfy))
            .route("/webhook", post(webhook))
            .with_state(inbox.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self {
            addr,
            inbox,
            _stop: stop,
        })
    }

    pub fn ntfy_url(&self, topic: &str) -> String {
        format!("http://{}/ntfy/{topic}", self.addr)
    }

    pub fn webhook_url(&self) -> String {
        format!("http://{}/webhook", self.addr)
    }

    /// From now on ntfy wants `Authorization: Bearer <token>`.
    pub fn require_ntfy_token(&self, token: &str) {
        lock(&self.inbox).ntfy_token = Some(token.to_owned());
    }

    pub fn set_webhook_secret(&self, secret: &str) {
        lock(&self.inbox).webhook_secret = secret.to_owned();
    }

    /// The next requests (to either) get these failures, in order.
    pub fn fail_next(&self, failures: &[Failure]) {
        lock(&self.inbox).failures.extend_from_slice(failures);
    }

    pub fn ntfy_messages(&self) -> Vec<NtfyMessage> {
        lock(&self.inbox).ntfy.clone()
    }

    pub fn webhook_calls(&self) -> Vec<WebhookCall> {
        lock(&self.inbox).webhook.clone()
    }

    /// Every request received, failed ones included.
    pub fn requests(&self) -> usize {
        lock(&self.inbox).requests
    }
}

/// Counts the request and serves the next injected failure, if any.
async fn injected(inbox: &Shared) -> Option<StatusCode> {
    let failure = {
        let mut inbox = lock(inbox);
        inbox.requests += 1;
        (!inbox.failures.is_empty()).then(|| inbox.failures.remove(0))
    };
    match failure? {
        Failure::Status(code) => {
            Some(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        }
        Failure::Silence(wait) => {
            tokio::time::sleep(wait).await;
            Some(StatusCode::GATEWAY_TIMEOUT)
        }
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn ntfy(
    State(inbox): State<Shared>,
    Path(topic): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if let Some(status) = injected(&inbox).await {
        return status;
    }
    let authorization = header(&headers, "authorization");
    let mut inbox = lock(&inbox);
    if let Some(token) = &inbox.ntfy_token {
        if authorization.as_deref() != Some(&format!("Bearer {token}")) {
            return StatusCode::FORBIDDEN;
        }
    }
    inbox.ntfy.push(NtfyMessage {
        topic,
        title: header(&headers, "title"),
        authorization,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    StatusCode::OK
}

/// Checks the signature the way a receiver should: HMAC-SHA256 of the raw body, compared in
/// constant time (`verify_slice`).
fn signature_valid(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(given) = header(headers, "x-crypto-balance-signature") else {
        return false;
    };
    let Some(hex_part) = given.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_part) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

async fn webhook(State(inbox): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if let Some(status) = injected(&inbox).await {
        return status;
    }
    let mut inbox = lock(&inbox);
    let valid = signature_valid(&inbox.webhook_secret, &headers, &body);
    inbox.webhook.push(WebhookCall {
        signature_valid: valid,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    });
    if valid {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::UNAUTHORIZED
    }
}
