//! Runs the core sync loop inside the desktop app's async runtime: started when the vault
//! unlocks, stopped when it locks or the app quits, and kept running while the window is hidden.
//! Its reports and states reach the window through core's event channel (the events bridge).

use crypto_balance_core::events::Event;
use crypto_balance_core::sync::{
    run_app_cycle, Cycle, CycleFailure, CycleReport, SyncCommand, SyncEvent, SyncHandle, SyncLock,
    SyncState, SyncStatus,
};
use crypto_balance_core::{App, Error};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Mutex;

/// The running loop, if any (Tauri managed state).
#[derive(Debug, Default)]
pub struct Syncer {
    handle: Mutex<Option<SyncHandle>>,
    /// Why no loop runs here (another process holds the folder), shown as the status.
    blocked: std::sync::Mutex<Option<SyncStatus>>,
}

/// The cycle over the `App` in Tauri's state.
struct ShellCycle<R: Runtime> {
    handle: AppHandle<R>,
}

impl<R: Runtime> Cycle for ShellCycle<R> {
    async fn run(&self) -> Result<CycleReport, CycleFailure> {
        let app = self.handle.state::<App>();
        run_app_cycle(app.inner()).await
    }

    fn now(&self) -> i64 {
        self.handle.state::<App>().now()
    }
}

/// Starts the loop unless it runs already. When another process (the CLI daemon) holds the data
/// folder, the status says so and the UI keeps showing stored rates.
pub async fn start<R: Runtime>(handle: &AppHandle<R>) {
    let syncer = handle.state::<Syncer>();
    let mut slot = syncer.handle.lock().await;
    if slot.is_some() {
        return;
    }
    let data_dir = handle.state::<App>().data_dir().path().to_path_buf();
    let lock = match SyncLock::acquire(&data_dir) {
        Ok(lock) => lock,
        Err(error) => {
            let error = Error::from(error);
            let status = SyncStatus {
                state: SyncState::NeedsAttention,
                last_success_at: None,
                next_at: None,
                interval_seconds: 0,
                message: Some(error.to_string()),
                error_code: Some(error.code()),
            };
            tracing::warn!(%error, "rates are refreshed elsewhere");
            if let Ok(mut blocked) = syncer.blocked.lock() {
                *blocked = Some(status.clone());
            }
            handle.state::<App>().publish(Event::SyncStatus(status));
            return;
        }
    };
    let reporter = handle.clone();
    let sync = SyncHandle::spawn_reporting(
        ShellCycle {
            handle: handle.clone(),
        },
        lock,
        move |status| reporter.state::<App>().publish(Event::SyncStatus(status)),
    );
    // A loop that ends without saying it stopped has died: the window must say so.
    let mut ended = sync.subscribe();
    let watcher = handle.clone();
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        let mut last = None;
        loop {
            match ended.recv().await {
                Ok(SyncEvent::Status(status)) => last = Some(status.state),
                Ok(SyncEvent::RatesUpdated(_)) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            }
        }
        if last != Some(SyncState::Stopped) {
            tracing::error!("the sync loop ended unexpectedly");
            watcher
                .state::<App>()
                .publish(Event::SyncStatus(not_updating()));
        }
    });
    *slot = Some(sync);
    drop(slot);
    // Ask for notification permission where the system wants it, before an alert fires.
    crate::notify::ensure_permission(handle);
    // The tray's "Pause alerts" shows the stored state once the vault is open.
    let paused = handle.state::<App>().alerts_paused().await.unwrap_or(false);
    crate::tray::show_alerts_paused(handle, paused);
}

/// Stops the loop (a cycle in flight rolls back) and waits for it.
pub async fn stop<R: Runtime>(handle: &AppHandle<R>) {
    let syncer = handle.state::<Syncer>();
    let running = syncer.handle.lock().await.take();
    if let Some(sync) = running {
        sync.stop().await;
    }
}

/// Sends a command to the loop; `false` when none runs.
pub async fn send<R: Runtime>(handle: &AppHandle<R>, command: SyncCommand) -> bool {
    let syncer = handle.state::<Syncer>();
    let slot = syncer.handle.lock().await;
    match slot.as_ref() {
        Some(sync) => sync.send(command).await,
        None => false,
    }
}

/// The loop's status, or why none runs.
pub async fn status<R: Runtime>(handle: &AppHandle<R>) -> SyncStatus {
    let syncer = handle.state::<Syncer>();
    if let Some(sync) = syncer.handle.lock().await.as_ref() {
        return sync.status();
    }
    let blocked = syncer.blocked.lock().ok().and_then(|b| b.clone());
    blocked.unwrap_or(SyncStatus {
        state: SyncState::Stopped,
        last_success_at: None,
        next_at: None,
        interval_seconds: 0,
        message: None,
        error_code: None,
    })
}

/// The status shown when the loop died: prices stay as last stored, and the person is told.
fn not_updating() -> SyncStatus {
    SyncStatus {
        state: SyncState::NeedsAttention,
        last_success_at: None,
        next_at: None,
        interval_seconds: 0,
        message: Some(
            "Prices are not updating: the refresh stopped after an internal error. Restart Crypto Balance; the log has the details.".to_owned(),
        ),
        error_code: Some(crypto_balance_core::ErrorCode::Internal),
    }
}
