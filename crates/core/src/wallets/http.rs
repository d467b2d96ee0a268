//! One HTTP client for every chain provider: the optional proxy, a timeout and a size cap on
//! every answer, a few polite retries on 429 and 5xx, and a note in the privacy log for every
//! request as it is sent.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::calls::{self, CallOutcome, Provider, RequestLog, Unread};

use super::WalletError;

/// The largest answer read from a chain provider (a page of 25 transactions is ~100 KB).
pub(crate) const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;
/// How long one request may take, unless the overrides say otherwise (tests shorten it).
pub(crate) const TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts per request: the first and two retries.
const ATTEMPTS: u32 = 3;
/// The longest wait a `Retry-After` may ask for before the scan gives up instead.
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// A provider's client, counting the requests it made.
#[derive(Debug)]
pub(crate) struct ChainHttp {
    http: reqwest::Client,
    base: String,
    provider: Provider,
    /// How errors name it, when the provider's title is not enough ("the Base RPC server").
    name: Option<String>,
    log: Arc<RequestLog>,
    requests: AtomicU32,
}

impl ChainHttp {
    /// A client for `base` (no trailing slash), through `proxy` (`socks5h://host:port`) if set.
    pub(crate) fn new(
        base: &str,
        provider: Provider,
        log: Arc<RequestLog>,
        proxy: Option<&str>,
        timeout: Duration,
    ) -> Result<Self, WalletError> {
        let url = url::Url::parse(base.trim()).map_err(|e| {
            WalletError::Invalid(format!("the {} address '{base}': {e}", provider.title()))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WalletError::Invalid(format!(
                "the {} address must start with http:// or https://",
                provider.title()
            )));
        }
        let mut builder =
            calls::client_builder(timeout).redirect(reqwest::redirect::Policy::none());
        if let Some(proxy) = proxy.map(str::trim).filter(|p| !p.is_empty()) {
            // Refused here with a reason; `calls::proxied` would fail closed in silence.
            reqwest::Proxy::all(proxy)
                .map_err(|e| WalletError::Invalid(format!("the proxy address: {e}")))?;
            builder = calls::proxied(builder, Some(proxy));
        }
        let http = builder
            .build()
            .map_err(|e| WalletError::Invalid(format!("cannot set up HTTP: {e}")))?;
        Ok(Self {
            http,
            base: base.trim().trim_end_matches('/').to_owned(),
            provider,
            name: None,
            log,
            requests: AtomicU32::new(0),
        })
    }

    /// The same client, named so in its errors.
    pub(crate) fn named(self, name: String) -> Self {
        Self {
            name: Some(name),
            ..self
        }
    }

    pub(crate) fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// GETs `path`; `about` says what the request is about (an address, the wallet's name).
    pub(crate) async fn get(&self, path: &str, about: &str) -> Result<String, WalletError> {
        let asked = format!("GET {path} ({about})");
        self.send(&asked, || self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// POSTs a JSON-RPC `body`; `asked` is what the log keeps of it.
    pub(crate) async fn post_json(
        &self,
        body: &serde_json::Value,
        asked: &str,
    ) -> Result<String, WalletError> {
        let text = body.to_string();
        self.send(asked, || {
            self.http
                .post(&self.base)
                .header("content-type", "application/json")
                .body(text.clone())
        })
        .await
    }

    async fn send(
        &self,
        asked: &str,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<String, WalletError> {
        let mut attempt = 1;
        loop {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let note = |outcome| calls::sent(Some(&self.log), self.provider, asked, outcome);
            let wait = match request().send().await {
                Err(error) => {
                    note(CallOutcome::Unreachable);
                    if attempt < ATTEMPTS {
                        Ok(Duration::from_secs(1))
                    } else if error.is_timeout() {
                        Err("did not answer in time".to_owned())
                    } else {
                        Err("could not be reached".to_owned())
                    }
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    note(CallOutcome::of_status(status));
                    if (200..300).contains(&status) {
                        return read_capped(response).await.map_err(|p| self.failed(p));
                    }
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let wait = retry_after.unwrap_or(Duration::from_secs(1 << attempt));
                    let retryable = status == 429 || status >= 500;
                    if retryable && attempt < ATTEMPTS && wait <= LONGEST_WAIT {
                        Ok(wait)
                    } else if status == 429 {
                        Err("is limiting requests (HTTP 429)".to_owned())
                    } else {
                        Err(format!("answered HTTP {status}"))
                    }
                }
            };
            match wait {
                Ok(wait) => tokio::time::sleep(wait).await,
                Err(problem) => return Err(self.failed(problem)),
            }
            attempt += 1;
        }
    }

    pub(crate) fn failed(&self, problem: impl Into<String>) -> WalletError {
        WalletError::Provider {
            provider: format!(
                "{} at {}",
                capitalized(self.name.as_deref().unwrap_or(self.provider.title())),
                self.base
            ),
            problem: problem.into(),
        }
    }
}

/// A provider's answer read through the one capped reader, its failure said for the user.
async fn read_capped(response: reqwest::Response) -> Result<String, String> {
    calls::read_capped(response, MAX_ANSWER_BYTES)
        .await
        .map_err(|unread| match unread {
            Unread::TooLarge => format!("sent an answer over {MAX_ANSWER_BYTES} bytes"),
            Unread::Transport(_) => "cut its answer short".to_owned(),
            Unread::NotText => "sent an answer that is not text".to_owned(),
        })
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
