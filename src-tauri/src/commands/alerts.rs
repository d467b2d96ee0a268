//! Commands for alerts: rules (list, create, edit, delete), history, the global pause, and the
//! notification permission.

use std::sync::Arc;

use crypto_balance_core::alerts::db::AlertEvent;
use crypto_balance_core::alerts::{AlertChange, AlertRule, NewAlert};
use crypto_balance_core::ids::AlertId;
use crypto_balance_core::notify::{Channels, ChannelsChange, Delivery};
use crypto_balance_core::{App, ErrorReport};
use serde::Serialize;
use specta::Type;
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

/// Where alerts go besides the desktop (ntfy, a webhook) and whether privacy mode is on.
#[tauri::command]
#[specta::specta]
pub async fn alert_channels(app: State<'_, Arc<App>>) -> Result<Channels, ErrorReport> {
    Ok(app.alert_channels().await?)
}

/// The channels after a change, and the webhook's signing secret when the change made one.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ChannelsSaved {
    pub channels: Channels,
    pub new_webhook_secret: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn update_alert_channels(
    app: State<'_, Arc<App>>,
    change: ChannelsChange,
) -> Result<ChannelsSaved, ErrorReport> {
    let made = app.update_alert_channels(&change).await?;
    Ok(ChannelsSaved {
        channels: app.alert_channels().await?,
        new_webhook_secret: made.map(|secret| secret.to_string()),
    })
}

/// The webhook's signing secret, shown when the person asks for it (to set up the receiver).
#[tauri::command]
#[specta::specta]
pub async fn webhook_secret(app: State<'_, Arc<App>>) -> Result<Option<String>, ErrorReport> {
    Ok(app.webhook_secret().await?.map(|secret| secret.to_string()))
}

/// Sends a test message to every channel; each attempt as it went.
#[tauri::command]
#[specta::specta]
pub async fn send_test_alert(app: State<'_, Arc<App>>) -> Result<Vec<Delivery>, ErrorReport> {
    Ok(app.send_test_alert().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn alert_deliveries(
    app: State<'_, Arc<App>>,
    limit: Option<u32>,
) -> Result<Vec<Delivery>, ErrorReport> {
    Ok(app.alert_deliveries(limit.unwrap_or(50).min(1_000)).await?)
}
