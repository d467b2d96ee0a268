//! Fired alerts become system notifications (tauri-plugin-notification), shown by the events
//! bridge, so alerts fire with the window hidden in the tray.

use crypto_balance_core::alerts::FiredAlert;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::{NotificationExt, PermissionState};

/// Whether the system lets the app show notifications, for the Alerts screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NotificationPermission {
    Granted,
    Denied,
    /// Not asked yet: the system asks at the first notification.
    Prompt,
}

/// Asks for permission where the system requires it (the plugin answers at once where not).
pub fn ensure_permission<R: Runtime>(app: &AppHandle<R>) -> NotificationPermission {
    let notifications = app.notification();
    let state = match notifications.permission_state() {
        Ok(PermissionState::Granted) => Ok(PermissionState::Granted),
        Ok(PermissionState::Denied) => Ok(PermissionState::Denied),
        _ => notifications.request_permission(),
    };
    match state {
        Ok(PermissionState::Granted) => NotificationPermission::Granted,
        Ok(PermissionState::Denied) => NotificationPermission::Denied,
        Ok(_) => NotificationPermission::Prompt,
        Err(error) => {
            tracing::warn!(%error, "cannot read the notification permission");
            NotificationPermission::Prompt
        }
    }
}

/// The system notification for one fired alert.
pub fn show<R: Runtime>(app: &AppHandle<R>, alert: &FiredAlert) {
    let body = match &alert.note {
        Some(note) => format!("{}\n{note}", alert.message),
        None => alert.message.clone(),
    };
    let shown = app
        .notification()
        .builder()
        .title("Crypto Balance alert")
        .body(body)
        .show();
    if let Err(error) = shown {
        tracing::warn!(%error, alert = %alert.alert_id, "cannot show a notification");
    }
}
