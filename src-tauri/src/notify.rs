//! Fired alerts become system notifications (tauri-plugin-notification) and an `alert-fired`
//! event for the open window. Runs from the sync loop's bridge, so alerts fire with the window
//! hidden in the tray.

use crypto_balance_core::alerts::FiredAlert;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_notification::{NotificationExt, PermissionState};
use ts_rs::TS;

use crate::events::ALERT_FIRED;

/// Whether the system lets the app show notifications, for the Alerts screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
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

/// One notification per fired alert, then the event the UI re-reads the history on.
pub fn fired<R: Runtime>(app: &AppHandle<R>, alerts: &[FiredAlert]) {
    for alert in alerts {
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
            tracing::warn!(%error, alert = alert.alert_id, "cannot show a notification");
        }
        if let Err(error) = app.emit(ALERT_FIRED, alert.clone()) {
            tracing::warn!(%error, "could not tell the UI an alert fired");
        }
    }
}
