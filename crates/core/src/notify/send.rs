//! Sending one fired alert to one channel, with retries and backoff, each attempt logged.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{record, ChannelKind, Delivery, Outcome};
use crate::alerts::FiredAlert;
use crate::calls::{self, CallOutcome, Provider, RequestLog};
use crate::clock::UnixTime;
use crate::ids::AlertId;
use crate::store::Store;

/// The header carrying `sha256=<hex HMAC-SHA256 of the body>` on webhook requests.
pub const SIGNATURE_HEADER: &str = "X-Crypto-Balance-Signature";

/// How hard to try: `attempts` in all, waiting `first_delay`, then four times longer each time.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub attempts: u32,
    pub first_delay: Duration,
    /// For each attempt, connecting and answering included.
    pub timeout: Duration,
}

impl Default for Policy {
    /// 4 attempts over about 42 s: 2 s, 8 s and 32 s apart, 10 s each.
    fn default() -> Self {
        Self {
            attempts: 4,
            first_delay: Duration::from_secs(2),
            timeout: Duration::from_secs(10),
        }
    }
}

/// A configured channel with its secret.
pub enum Target {
    Ntfy {
        url: String,
        token: Option<Zeroizing<String>>,
    },
    Webhook {
        url: String,
        secret: Zeroizing<String>,
    },
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Ntfy { url, .. } => write!(f, "Ntfy({url})"),
            Target::Webhook { url, .. } => write!(f, "Webhook({url})"),
        }
    }
}

impl Target {
    pub fn kind(&self) -> ChannelKind {
        match self {
            Target::Ntfy { .. } => ChannelKind::Ntfy,
            Target::Webhook { .. } => ChannelKind::Webhook,
        }
    }
}

/// `sha256=<hex>` of `body` under `secret`, as the webhook header carries it.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default()));
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The webhook's JSON body; in privacy mode without currency, threshold or observed value.
fn webhook_body(alert: &FiredAlert, message: &str, privacy: bool, test: bool) -> Vec<u8> {
    let mut body = serde_json::json!({
        "event": if test { "test" } else { "alert_fired" },
        "alert_id": (!test).then_some(alert.alert_id),
        "kind": alert.kind,
        "coin": alert.coin,
        "coin_label": alert.coin_label,
        "account": alert.account,
        "message": message,
        "at": alert.at,
    });
    if !privacy {
        body["currency"] = serde_json::json!(alert.currency);
        body["threshold"] = serde_json::json!(alert.threshold);
        body["observed"] = serde_json::json!(alert.observed);
    }
    body.to_string().into_bytes()
}

/// Why an attempt failed, and whether another could succeed.
fn failure(
    result: Result<reqwest::Response, reqwest::Error>,
    policy: &Policy,
) -> Option<(String, bool)> {
    match result {
        Ok(response) if response.status().is_success() => None,
        Ok(response) => {
            let status = response.status();
            let again = status.is_server_error()
                || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                || status == reqwest::StatusCode::REQUEST_TIMEOUT;
            Some((format!("HTTP {}", status.as_u16()), again))
        }
        Err(error) if error.is_timeout() => Some((
            format!("no answer within {} s", policy.timeout.as_secs_f32()),
            true,
        )),
        Err(error) if error.is_connect() => Some(("could not connect".to_owned(), true)),
        Err(_) => Some(("the request failed".to_owned(), true)),
    }
}

/// Sends alerts: one HTTP client and one retry policy for every channel.
#[derive(Debug, Clone)]
pub struct Courier {
    client: reqwest::Client,
    policy: Policy,
    /// Where each request is noted for the privacy log.
    log: Arc<RequestLog>,
}

impl Courier {
    pub fn new(policy: Policy, log: Arc<RequestLog>) -> Self {
        let builder = crate::calls::proxied(
            reqwest::Client::builder(),
            crate::calls::proxy_from_env().as_deref(),
        );
        let client = builder
            .connect_timeout(policy.timeout)
            .user_agent(concat!("CryptoBalance/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self {
            client,
            policy,
            log,
        }
    }

    /// Sends `alert` to `target`, retrying with backoff, and logs every attempt in `store`.
    /// `test` sends it as a test message (no alert id). Returns whether it arrived.
    pub async fn deliver(
        &self,
        store: &Store,
        target: &Target,
        alert: &FiredAlert,
        privacy: bool,
        test: bool,
        now: &(dyn Fn() -> UnixTime + Send + Sync),
    ) -> bool {
        deliver(self, store, target, alert, (privacy, test), now).await
    }
}

async fn deliver(
    courier: &Courier,
    store: &Store,
    target: &Target,
    alert: &FiredAlert,
    (privacy, test): (bool, bool),
    now: &(dyn Fn() -> UnixTime + Send + Sync),
) -> bool {
    let (client, policy) = (&courier.client, &courier.policy);
    // A test message names no amount, and says what it is even in privacy mode.
    let message = if privacy && !test {
        alert.private_message()
    } else {
        alert.message.clone()
    };
    let mut delay = policy.first_delay;
    for attempt in 1..=policy.attempts.max(1) {
        let request = match target {
            Target::Ntfy { url, token } => {
                let request = client
                    .post(url)
                    .timeout(policy.timeout)
                    .header("Title", "Crypto Balance")
                    .header("Tags", "chart_with_upwards_trend")
                    .body(message.clone());
                match token {
                    Some(token) => request.bearer_auth(token.as_str()),
                    None => request,
                }
            }
            Target::Webhook { url, secret } => {
                let body = webhook_body(alert, &message, privacy, test);
                client
                    .post(url)
                    .timeout(policy.timeout)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .header(SIGNATURE_HEADER, signature(secret, &body))
                    .body(body)
            }
        };
        let sent = request.send().await;
        let (provider, url) = match target {
            Target::Ntfy { url, .. } => (Provider::Ntfy, url),
            Target::Webhook { url, .. } => (Provider::Webhook, url),
        };
        calls::sent(
            Some(&courier.log),
            provider,
            &format!("POST {url}: {message}"),
            match &sent {
                Ok(response) => CallOutcome::of_status(response.status().as_u16()),
                Err(_) => CallOutcome::Unreachable,
            },
        );
        let failed = failure(sent, policy);
        let last = attempt >= policy.attempts;
        let outcome = match &failed {
            None => Outcome::Sent,
            Some((_, true)) if !last => Outcome::Retrying,
            Some(_) => Outcome::Failed,
        };
        let delivery = Delivery {
            alert_id: (!test).then_some(alert.alert_id),
            channel: target.kind(),
            attempt,
            outcome,
            detail: failed.as_ref().map(|(why, _)| why.clone()),
            message: message.clone(),
            at: now(),
        };
        if let Err(error) = record(store, &delivery).await {
            tracing::warn!(%error, "could not log an alert delivery");
        }
        if outcome != Outcome::Retrying {
            return outcome == Outcome::Sent;
        }
        tokio::time::sleep(delay).await;
        delay = delay.saturating_mul(4);
    }
    false
}

/// A stand-in alert for "send a test message".
pub(crate) fn test_alert(at: UnixTime, currency: crate::currency::Currency) -> FiredAlert {
    FiredAlert {
        alert_id: AlertId::new(0),
        kind: crate::alerts::AlertKind::PortfolioAbove,
        coin: None,
        coin_label: None,
        account: None,
        currency,
        threshold: rust_decimal::Decimal::ZERO,
        observed: rust_decimal::Decimal::ZERO,
        at,
        message: "Crypto Balance test message: alerts will arrive here".to_owned(),
        note: None,
        channels: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_body() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
