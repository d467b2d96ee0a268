//! The one bridge from core's events to the window: a task started at launch that forwards every
//! [`Event`] under its name (`holdings-changed`, `rates-updated`, `sync-status`, `alert-fired`,
//! …), and does what the desktop does besides: a system notification per fired alert, the tray's
//! total while unlocked and its "locked" tooltip once locked. Commands publish nothing themselves;
//! core's writes do.

use std::sync::Arc;

use crypto_balance_core::events::Event;
use crypto_balance_core::{App, VaultStatus};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::broadcast::error::RecvError;

/// The bridge as a plugin, so every app the shell builds (the real one and the tests' mock one)
/// starts it once the `App` is managed.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("events-bridge")
        .setup(|handle, _| {
            bridge(handle);
            Ok(())
        })
        .build()
}

/// Starts the bridge.
fn bridge<R: Runtime>(handle: &AppHandle<R>) {
    let mut events = handle.state::<Arc<App>>().subscribe();
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => forward(&handle, event).await,
                // A burst the window missed: it re-reads on the next event anyway.
                Err(RecvError::Lagged(missed)) => tracing::debug!(missed, "events skipped"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

async fn forward<R: Runtime>(handle: &AppHandle<R>, event: Event) {
    let name = event.name();
    match event {
        Event::RatesUpdated(report) => {
            // A report still queued when the vault was locked must not put the total back.
            if handle.state::<Arc<App>>().status().await == VaultStatus::Unlocked {
                crate::tray::show_total(handle, &report);
            }
            emit(handle, name, report);
        }
        Event::AlertFired(alert) => {
            crate::notify::show(handle, &alert);
            emit(handle, name, alert);
        }
        Event::SyncStatus(status) => emit(handle, name, status),
        Event::ImportProgress(progress) => emit(handle, name, progress),
        Event::PassphraseProgress(progress) => emit(handle, name, progress),
        Event::BackfillProgress(progress) => emit(handle, name, progress),
        Event::WalletScanned(report) => emit(handle, name, report),
        Event::VaultLocked => {
            crate::tray::show_locked(handle);
            emit(handle, name, ());
        }
        Event::VaultUnlocked => {
            // Ask for notification permission where the system wants it, before an alert
            // fires, and show the stored "Pause alerts" state in the tray; at launch only once
            // the first screen is drawn, as the loop itself starts then.
            crate::first_screen::after(handle, |handle| async move {
                crate::notify::ensure_permission(&handle);
                let paused = handle.state::<Arc<App>>().alerts_paused().await;
                crate::tray::show_alerts_paused(&handle, paused.unwrap_or(false));
            });
            emit(handle, name, ());
        }
        Event::HoldingsChanged | Event::AccountsChanged => emit(handle, name, ()),
    }
}

fn emit<R: Runtime, T: Serialize + Clone>(handle: &AppHandle<R>, name: &str, payload: T) {
    if let Err(error) = handle.emit(name, payload) {
        tracing::warn!(%error, event = name, "could not publish an event to the window");
    }
}
