//! The desktop's handle on core's sync loop: a [`Refresher`] in Tauri's state starts the loop when
//! the vault unlocks and stops it before the vault locks, is restored or re-keyed; these helpers
//! reach it from commands, the tray and the first screen. The loop keeps running while the window
//! is hidden; its reports and states reach the window through core's events.

use std::sync::Arc;

use crypto_balance_core::sync::{Refresher, SyncCommand, SyncStatus};
use tauri::{AppHandle, Manager, Runtime};

/// Starts the loop unless it runs (the first screen starts it once drawn).
pub async fn start<R: Runtime>(handle: &AppHandle<R>) {
    handle.state::<Arc<Refresher>>().start().await;
}

/// Sends a command to the loop; `false` when none runs.
pub async fn send<R: Runtime>(handle: &AppHandle<R>, command: SyncCommand) -> bool {
    handle.state::<Arc<Refresher>>().send(command).await
}

/// The loop's status, or why none runs.
pub async fn status<R: Runtime>(handle: &AppHandle<R>) -> SyncStatus {
    handle.state::<Arc<Refresher>>().status().await
}
