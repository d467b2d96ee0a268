//! Quitting cleanly, however the app is asked to: Quit in the tray, closing the window when
//! closing quits, `SIGTERM` from a logout or `systemctl`, Ctrl+C in a terminal. All of them
//! end in `RunEvent::Exit`, where the sync loop stops (a cycle in flight rolls back: every write is
//! one transaction) and the database closes, within a grace period.

use std::time::Duration;

use std::sync::Arc;

use crypto_balance_core::sync::Refresher;
use tauri::{AppHandle, Manager, RunEvent, Runtime};

/// How long quitting waits for the sync loop to stop and the database to close.
const GRACE: Duration = Duration::from_secs(5);

/// Turns SIGTERM, SIGINT and SIGHUP into a normal quit instead of an abrupt end.
#[cfg(unix)]
pub fn quit_on_signals<R: Runtime>(handle: AppHandle<R>) {
    use tokio::signal::unix::{signal, SignalKind};
    tauri::async_runtime::spawn(async move {
        let signals = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        );
        let (Ok(mut terminate), Ok(mut interrupt), Ok(mut hangup)) = signals else {
            tracing::warn!("cannot listen for termination signals; they will end the app abruptly");
            return;
        };
        let name = tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
            _ = hangup.recv() => "SIGHUP",
        };
        tracing::info!(signal = name, "quitting");
        handle.exit(0);
    });
}

/// Windows ends a GUI app through window messages (log off, shutdown), which Tauri already turns
/// into `RunEvent::Exit`; there are no signals to listen for.
#[cfg(not(unix))]
pub fn quit_on_signals<R: Runtime>(_handle: AppHandle<R>) {}

/// On quit: stop the sync loop and close the database, then say so in the log.
pub fn on_run_event<R: Runtime>(handle: &AppHandle<R>, event: RunEvent) {
    if let RunEvent::Exit = event {
        let finished = tauri::async_runtime::block_on(async {
            tokio::time::timeout(GRACE, handle.state::<Arc<Refresher>>().shut_down()).await
        });
        match finished {
            Ok(()) => tracing::info!("shut down cleanly"),
            Err(_) => tracing::warn!(
                "shutdown took longer than {} s; quitting anyway",
                GRACE.as_secs()
            ),
        }
    }
}
