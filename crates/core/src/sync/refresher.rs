//! The sync loop's life, in one place for every shell: a [`Refresher`] starts the loop when the
//! vault unlocks and stops it before the vault locks, is restored or re-keyed, so no cycle ever
//! runs against a closing store. The desktop app and the daemon each hold one; neither keeps a
//! loop of its own.

use std::sync::Arc;

use tokio::sync::{broadcast, Mutex};

use super::{AppCycle, SyncCommand, SyncEvent, SyncHandle, SyncLock, SyncState, SyncStatus};
use crate::app::{RestoreOutcome, UnlockOutcome};
use crate::events::Event;
use crate::{App, Error, ErrorCode, Passphrase};

/// The app and its sync loop, if one runs.
#[derive(Debug)]
pub struct Refresher {
    app: Arc<App>,
    running: Mutex<Option<SyncHandle>>,
    /// Why no loop runs (another process refreshes this folder), shown as the status.
    blocked: std::sync::Mutex<Option<SyncStatus>>,
}

impl Refresher {
    pub fn new(app: Arc<App>) -> Self {
        Self {
            app,
            running: Mutex::new(None),
            blocked: std::sync::Mutex::new(None),
        }
    }

    /// Unlocks the vault and starts refreshing.
    pub async fn unlock(&self, passphrase: Option<&Passphrase>) -> Result<UnlockOutcome, Error> {
        let outcome = self.app.unlock(passphrase).await?;
        self.start().await;
        Ok(outcome)
    }

    /// Creates the vault and starts refreshing.
    pub async fn create_vault(
        &self,
        passphrase: &Passphrase,
        use_keychain: bool,
    ) -> Result<UnlockOutcome, Error> {
        let outcome = self.app.create_vault(passphrase, use_keychain).await?;
        self.start().await;
        Ok(outcome)
    }

    /// "Lock now": stops refreshing, then locks (only the passphrase reopens it).
    pub async fn lock_now(&self) {
        self.stop().await;
        self.app.lock_now().await;
    }

    /// Stops refreshing and closes the vault (quitting).
    pub async fn shut_down(&self) {
        self.stop().await;
        self.app.lock().await;
    }

    /// Restores a backup with the loop stopped, and refreshes again once the vault is open.
    pub async fn restore(
        &self,
        source: &std::path::Path,
        passphrase: &Passphrase,
    ) -> Result<RestoreOutcome, Error> {
        self.stop().await;
        let restored = self.app.restore(source, passphrase).await;
        self.start_if_open().await;
        restored
    }

    /// Changes the passphrase (re-encrypting everything) with the loop stopped.
    pub async fn change_passphrase(&self, old: &Passphrase, new: &Passphrase) -> Result<(), Error> {
        self.stop().await;
        let changed = self.app.change_passphrase(old, new).await;
        self.start_if_open().await;
        changed
    }

    async fn start_if_open(&self) {
        if self.app.status().await == crate::VaultStatus::Unlocked {
            self.start().await;
        }
    }

    /// Starts the loop unless it runs already. When another process (the daemon, the desktop
    /// app) refreshes this folder, the status says so and stored rates stay on screen.
    pub async fn start(&self) {
        let mut slot = self.running.lock().await;
        if slot.as_ref().is_some_and(|running| !running.has_ended()) {
            return;
        }
        let lock = match SyncLock::acquire(self.app.data_dir().path()) {
            Ok(lock) => lock,
            Err(error) => {
                let error = Error::from(error);
                tracing::warn!(%error, "rates are refreshed elsewhere");
                let status = waiting(error.to_string(), error.code());
                if let Ok(mut blocked) = self.blocked.lock() {
                    *blocked = Some(status.clone());
                }
                self.app.publish(Event::SyncStatus(status));
                return;
            }
        };
        let app = self.app.clone();
        let handle = SyncHandle::spawn_reporting(AppCycle::new(app.clone()), lock, move |status| {
            app.publish(Event::SyncStatus(status));
        });
        watch_for_an_unexpected_end(handle.subscribe(), self.app.clone());
        price_new_holdings(self.app.clone(), &handle);
        deliver_fired_alerts(self.app.clone(), &handle);
        scan_wallets_hourly(self.app.clone(), &handle);
        *slot = Some(handle);
    }

    /// Stops the loop (a cycle in flight rolls back) and waits for it.
    pub async fn stop(&self) {
        let running = self.running.lock().await.take();
        if let Some(handle) = running {
            handle.stop().await;
        }
    }

    /// Sends a command to the loop; `false` when none runs.
    pub async fn send(&self, command: SyncCommand) -> bool {
        match self.running.lock().await.as_ref() {
            Some(handle) => handle.send(command).await,
            None => false,
        }
    }

    /// The loop's status, or why none runs.
    pub async fn status(&self) -> SyncStatus {
        if let Some(handle) = self.running.lock().await.as_ref() {
            return handle.status();
        }
        let blocked = self.blocked.lock().ok().and_then(|b| b.clone());
        blocked.unwrap_or_else(|| SyncStatus {
            state: SyncState::Stopped,
            ..SyncStatus::starting()
        })
    }

    /// The running loop's own events, whose channel closes when the loop ends (the daemon exits
    /// then); `None` when no loop runs.
    pub async fn loop_events(&self) -> Option<broadcast::Receiver<SyncEvent>> {
        self.running
            .lock()
            .await
            .as_ref()
            .map(SyncHandle::subscribe)
    }
}

/// A status that waits for something outside the loop (another process, a restart).
fn waiting(message: String, code: ErrorCode) -> SyncStatus {
    SyncStatus {
        state: SyncState::NeedsAttention,
        message: Some(message),
        error_code: Some(code),
        ..SyncStatus::starting()
    }
}

/// A loop that ends without saying it stopped has died: whoever shows the status must say that
/// prices are not updating.
/// A coin added without a price is priced at once, not at the next tick minutes away: a person
/// who adds a holding expects to see its value. Ends with the loop.
fn price_new_holdings(app: Arc<App>, handle: &SyncHandle) {
    use broadcast::error::RecvError;
    let mut changes = app.subscribe();
    let mut loop_events = handle.subscribe();
    let commands = handle.commands();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                change = changes.recv() => match change {
                    Ok(Event::HoldingsChanged) => {
                        let unpriced = app
                            .valuation(None)
                            .await
                            .is_ok_and(|valuation| !valuation.missing_prices.is_empty());
                        if unpriced && commands.send(SyncCommand::RefreshNow).await.is_err() {
                            break;
                        }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                },
                event = loop_events.recv() => {
                    if matches!(event, Err(RecvError::Closed)) {
                        break;
                    }
                }
            }
        }
    });
}

fn watch_for_an_unexpected_end(mut events: broadcast::Receiver<SyncEvent>, app: Arc<App>) {
    tokio::spawn(async move {
        use broadcast::error::RecvError;
        let mut last = None;
        loop {
            match events.recv().await {
                Ok(SyncEvent::Status(status)) => last = Some(status.state),
                Ok(SyncEvent::RatesUpdated(_)) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            }
        }
        if last != Some(SyncState::Stopped) {
            tracing::error!("the sync loop ended unexpectedly");
            app.publish(Event::SyncStatus(waiting(
                "Prices are not updating: the refresh stopped after an internal error. Restart Crypto Balance; the log has the details.".to_owned(),
                ErrorCode::Internal,
            )));
        }
    });
}

/// Each fired alert goes to the channels beyond the desktop (ntfy, a webhook) in a task of its
/// own, so retries with backoff never hold up the loop or the next alert. Ends with the loop.
fn deliver_fired_alerts(app: Arc<App>, handle: &SyncHandle) {
    use broadcast::error::RecvError;
    let mut fired = app.subscribe();
    let mut loop_events = handle.subscribe();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                event = fired.recv() => match event {
                    Ok(Event::AlertFired(alert)) => {
                        let app = app.clone();
                        tokio::spawn(async move {
                            if let Err(error) = app.deliver_alert(&alert).await {
                                tracing::warn!(%error, "could not deliver an alert");
                            }
                        });
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                },
                event = loop_events.recv() => {
                    if matches!(event, Err(RecvError::Closed)) {
                        break;
                    }
                }
            }
        }
    });
}

/// How often watched wallets are scanned while the loop runs (and once when it starts).
pub const WALLET_SCAN_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3_600);

/// Watched wallets are scanned on their own schedule in a task of their own, so a slow or failing
/// chain provider never holds up prices; a provider's failure is noted on its wallet. Ends with
/// the loop.
fn scan_wallets_hourly(app: Arc<App>, handle: &SyncHandle) {
    use broadcast::error::RecvError;
    let mut loop_events = handle.subscribe();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(WALLET_SCAN_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {
                    if let Err(error) = app.scan_wallets(None).await {
                        tracing::warn!(%error, "could not scan the watched wallets");
                    }
                }
                event = loop_events.recv() => {
                    if matches!(event, Err(RecvError::Closed)) {
                        break;
                    }
                }
            }
        }
    });
}
