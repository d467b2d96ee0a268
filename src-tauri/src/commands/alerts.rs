//! Commands for alerts: rules (list, create, edit, delete), history, the global pause, and the
//! notification permission.

use std::sync::Arc;

use crypto_balance_core::alerts::db::AlertEvent;
use crypto_balance_core::alerts::{AlertChange, AlertRule, NewAlert};
use crypto_balance_core::ids::AlertId;
use crypto_balance_core::{App, ErrorReport};
use tauri::{AppHandle, Runtime, State};

use crate::notify::{self, NotificationPermission};

#[tauri::command]
#[specta::specta]
pub async fn list_alerts(app: State<'_, Arc<App>>) -> Result<Vec<AlertRule>, ErrorReport> {
    Ok(app.alerts().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_alert(
    app: State<'_, Arc<App>>,
    alert: NewAlert,
) -> Result<AlertRule, ErrorReport> {
    Ok(app.add_alert(alert).await?)
}

/// Pause, resume, snooze, note or cooldown of one rule.
#[tauri::command]
#[specta::specta]
pub async fn update_alert(
    app: State<'_, Arc<App>>,
    id: AlertId,
    change: AlertChange,
) -> Result<AlertRule, ErrorReport> {
    Ok(app.update_alert(id, &change).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_alert(app: State<'_, Arc<App>>, id: AlertId) -> Result<(), ErrorReport> {
    Ok(app.delete_alert(id).await?)
}

/// The newest fired alerts (at most `limit`, default 50), newest first.
#[tauri::command]
#[specta::specta]
pub async fn alert_history(
    app: State<'_, Arc<App>>,
    limit: Option<u32>,
) -> Result<Vec<AlertEvent>, ErrorReport> {
    Ok(app.alert_history(limit.unwrap_or(50).min(1_000)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn alerts_paused(app: State<'_, Arc<App>>) -> Result<bool, ErrorReport> {
    Ok(app.alerts_paused().await?)
}

/// Pauses or resumes every alert (also the tray's "Pause alerts").
#[tauri::command]
#[specta::specta]
pub async fn set_alerts_paused<R: Runtime>(
    handle: AppHandle<R>,
    app: State<'_, Arc<App>>,
    paused: bool,
) -> Result<(), ErrorReport> {
    app.set_alerts_paused(paused).await?;
    crate::tray::show_alerts_paused(&handle, paused);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn notification_permission<R: Runtime>(
    handle: AppHandle<R>,
) -> Result<NotificationPermission, ErrorReport> {
    Ok(notify::ensure_permission(&handle))
}
