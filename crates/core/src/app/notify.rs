//! Alerts beyond the desktop, through the app: the channels, a test message, the delivery log,
//! and the delivery of each fired alert (started by the sync loop's companion task, so a slow
//! channel never delays a refresh).

use std::sync::Arc;

use tokio::task::JoinSet;
use zeroize::Zeroizing;

use super::App;
use crate::alerts::FiredAlert;
use crate::clock::UnixTime;
use crate::notify::{self, Channels, ChannelsChange, Courier, Delivery, NotifyError};
use crate::{settings, Error};

impl App {
    pub async fn alert_channels(&self) -> Result<Channels, Error> {
        Ok(notify::load(&self.store().await?).await?)
    }

    /// Changes the channels; returns the webhook's signing secret when this made one.
    pub async fn update_alert_channels(
        &self,
        change: &ChannelsChange,
    ) -> Result<Option<Zeroizing<String>>, Error> {
        Ok(notify::update(&self.store().await?, change).await?)
    }

    /// The webhook's signing secret, for setting up its receiver.
    pub async fn webhook_secret(&self) -> Result<Option<Zeroizing<String>>, Error> {
        Ok(notify::webhook_secret(&self.store().await?).await?)
    }

    /// The newest delivery attempts, newest first.
    pub async fn alert_deliveries(&self, limit: u32) -> Result<Vec<Delivery>, Error> {
        Ok(notify::history(&self.store().await?, limit).await?)
    }

    fn courier(&self) -> &Courier {
        self.courier
            .get_or_init(|| Courier::new(self.delivery, self.requests.clone()))
    }

    /// Sends `alert` to every channel at once, each with its retries; logs every attempt.
    pub async fn deliver_alert(&self, alert: &FiredAlert) -> Result<(), Error> {
        self.send_to_channels(alert, false).await.map(|_| ())
    }

    /// Sends a test message to every channel (with retries); the attempts are in the log.
    pub async fn send_test_alert(&self) -> Result<Vec<Delivery>, Error> {
        let store = self.store().await?;
        let currency = settings::load(&store).await?.base_currency;
        let alert = notify::test_alert(UnixTime::from_seconds(self.now()), currency);
        let sent = self.send_to_channels(&alert, true).await?;
        if sent == 0 {
            return Err(NotifyError::NoChannel.into());
        }
        let mut log = self
            .alert_deliveries(u32::try_from(sent * 8).unwrap_or(64))
            .await?;
        log.retain(|d| d.alert_id.is_none());
        Ok(log)
    }

    /// Sends to every channel at once (each retrying on its own); how many channels there were.
    async fn send_to_channels(&self, alert: &FiredAlert, test: bool) -> Result<usize, Error> {
        let store = self.store().await?;
        let (targets, privacy) = notify::targets(&store).await?;
        let clock = self.clock.clone();
        let now: Arc<dyn Fn() -> UnixTime + Send + Sync> =
            Arc::new(move || UnixTime::from_seconds(clock.now()));
        let mut sends = JoinSet::new();
        let chosen = |kind| {
            alert
                .channels
                .as_ref()
                .is_none_or(|list| list.contains(&kind))
        };
        for target in targets.into_iter().filter(|t| chosen(t.kind())) {
            let (courier, store, alert, now) = (
                self.courier().clone(),
                store.clone(),
                alert.clone(),
                now.clone(),
            );
            sends.spawn(async move {
                courier
                    .deliver(&store, &target, &alert, privacy, test, now.as_ref())
                    .await
            });
        }
        let count = sends.len();
        sends.join_all().await;
        self.save_requests(&store).await;
        Ok(count)
    }
}
