//! Fired alerts delivered beyond the desktop: to an ntfy topic (a phone, self-hosted or public)
//! and to a webhook that can check each body's HMAC-SHA256 signature. The channels, the ntfy
//! token and the webhook's signing secret are settings rows in the encrypted vault. Privacy mode
//! sends no amounts. Every attempt is kept in a delivery log.

mod send;

use serde::{Deserialize, Serialize};
use specta::Type;
use zeroize::Zeroizing;

pub use crate::alerts::ChannelKind;
use crate::clock::UnixTime;
use crate::ids::AlertId;
use crate::secret::random_id;
use crate::settings::{self, get};
use crate::store::{Store, StoreError};

pub(crate) use send::test_alert;
pub use send::{signature, Courier, Policy, Target, SIGNATURE_HEADER};

const NTFY_URL: &str = "notify_ntfy_url";
const NTFY_TOKEN: &str = "notify_ntfy_token";
const WEBHOOK_URL: &str = "notify_webhook_url";
const WEBHOOK_SECRET: &str = "notify_webhook_secret";
const PRIVACY: &str = "notify_privacy";

/// Where fired alerts go besides the desktop (secrets never leave the backend).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct Channels {
    /// The ntfy topic URL, e.g. `https://ntfy.sh/my-secret-topic`.
    pub ntfy_url: Option<String>,
    pub has_ntfy_token: bool,
    /// The webhook's URL; each body is signed (see `X-Crypto-Balance-Signature`).
    pub webhook_url: Option<String>,
    /// Privacy mode: no prices, values or thresholds leave this computer.
    pub privacy: bool,
}

/// A change to the channels; absent fields stay, an empty text removes.
#[derive(Debug, Clone, Default, Deserialize, Type, utoipa::ToSchema)]
pub struct ChannelsChange {
    #[specta(optional)]
    pub ntfy_url: Option<String>,
    /// An access token for a protected topic; empty removes it.
    #[specta(optional)]
    pub ntfy_token: Option<String>,
    /// Setting a URL makes a new signing secret when none exists; empty removes the webhook.
    #[specta(optional)]
    pub webhook_url: Option<String>,
    #[specta(optional)]
    pub privacy: Option<bool>,
}

/// How one attempt went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Sent,
    /// Failed; another attempt follows.
    Retrying,
    /// Failed for good (attempts used up, or an answer no retry can change).
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Retrying => "retrying",
            Outcome::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "sent" => Outcome::Sent,
            "retrying" => Outcome::Retrying,
            _ => Outcome::Failed,
        }
    }
}

/// One attempt, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct Delivery {
    /// `None` for a test message.
    pub alert_id: Option<AlertId>,
    pub channel: ChannelKind,
    /// 1 for the first try.
    pub attempt: u32,
    pub outcome: Outcome,
    /// What went wrong ("HTTP 500", "timed out after 10 s"), or `None`.
    pub detail: Option<String>,
    /// The text that was sent.
    pub message: String,
    pub at: UnixTime,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("{0}: use an http:// or https:// address, e.g. https://ntfy.sh/my-topic")]
    BadUrl(String),
    #[error("no channel is set up: add an ntfy topic or a webhook first")]
    NoChannel,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub async fn load(store: &Store) -> Result<Channels, StoreError> {
    Ok(Channels {
        ntfy_url: get(store, NTFY_URL).await?,
        has_ntfy_token: get(store, NTFY_TOKEN).await?.is_some(),
        webhook_url: get(store, WEBHOOK_URL).await?,
        privacy: get(store, PRIVACY).await?.as_deref() == Some("1"),
    })
}

/// The channels to send to, with their secrets (kept in memory only while sending).
pub async fn targets(store: &Store) -> Result<(Vec<Target>, bool), StoreError> {
    let mut targets = Vec::new();
    if let Some(url) = get(store, NTFY_URL).await? {
        let token = get(store, NTFY_TOKEN).await?.map(Zeroizing::new);
        targets.push(Target::Ntfy { url, token });
    }
    if let (Some(url), Some(secret)) = (
        get(store, WEBHOOK_URL).await?,
        get(store, WEBHOOK_SECRET).await?,
    ) {
        targets.push(Target::Webhook {
            url,
            secret: Zeroizing::new(secret),
        });
    }
    let privacy = get(store, PRIVACY).await?.as_deref() == Some("1");
    Ok((targets, privacy))
}

fn checked_url(text: &str) -> Result<Option<String>, NotifyError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(Some(text.to_owned()))
        }
        _ => Err(NotifyError::BadUrl(text.to_owned())),
    }
}

/// Applies a change in one transaction. Returns the webhook's signing secret when this change
/// made one (shown once, for the receiver to check signatures with).
pub async fn update(
    store: &Store,
    change: &ChannelsChange,
) -> Result<Option<Zeroizing<String>>, NotifyError> {
    let mut writes: Vec<(&str, Option<String>)> = Vec::new();
    if let Some(url) = &change.ntfy_url {
        writes.push((NTFY_URL, checked_url(url)?));
    }
    if let Some(token) = &change.ntfy_token {
        let token = token.trim();
        writes.push((NTFY_TOKEN, (!token.is_empty()).then(|| token.to_owned())));
    }
    let mut made = None;
    if let Some(url) = &change.webhook_url {
        let url = checked_url(url)?;
        let has_secret = get(store, WEBHOOK_SECRET).await?.is_some();
        if url.is_some() && !has_secret {
            let secret = Zeroizing::new(format!("{}{}", random_id(), random_id()));
            writes.push((WEBHOOK_SECRET, Some(secret.to_string())));
            made = Some(secret);
        } else if url.is_none() {
            writes.push((WEBHOOK_SECRET, None));
        }
        writes.push((WEBHOOK_URL, url));
    }
    if let Some(on) = change.privacy {
        writes.push((PRIVACY, Some(if on { "1" } else { "0" }.to_owned())));
    }
    settings::write_all(store, writes).await?;
    Ok(made)
}

/// The webhook's signing secret, for a person setting up the receiver.
pub async fn webhook_secret(store: &Store) -> Result<Option<Zeroizing<String>>, StoreError> {
    Ok(get(store, WEBHOOK_SECRET).await?.map(Zeroizing::new))
}

pub async fn record(store: &Store, delivery: &Delivery) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO alert_deliveries (alert_id, channel, attempt, outcome, detail, message, at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(delivery.alert_id)
    .bind(delivery.channel.as_str())
    .bind(delivery.attempt)
    .bind(delivery.outcome.as_str())
    .bind(&delivery.detail)
    .bind(&delivery.message)
    .bind(delivery.at)
    .execute(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    Ok(())
}

/// The newest attempts, newest first.
pub async fn history(store: &Store, limit: u32) -> Result<Vec<Delivery>, StoreError> {
    type Row = (
        Option<AlertId>,
        String,
        u32,
        String,
        Option<String>,
        String,
        UnixTime,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT alert_id, channel, attempt, outcome, detail, message, at \
         FROM alert_deliveries ORDER BY at DESC, id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    Ok(rows
        .into_iter()
        .map(
            |(alert_id, channel, attempt, outcome, detail, message, at)| Delivery {
                alert_id,
                channel: ChannelKind::parse(&channel).unwrap_or(ChannelKind::Ntfy),
                attempt,
                outcome: Outcome::parse(&outcome),
                detail,
                message,
                at,
            },
        )
        .collect())
}
