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

core_commands! {
    fn list_alerts(app: App) -> Vec<AlertRule> = app.alerts();
    fn add_alert(app: App, alert: NewAlert) -> AlertRule = app.add_alert(alert);
    /// Pause, resume, snooze, note or cooldown of one rule.
    fn update_alert(app: App, id: AlertId, change: AlertChange) -> AlertRule =
        app.update_alert(id, &change);
    fn delete_alert(app: App, id: AlertId) -> () = app.delete_alert(id);
    /// The newest fired alerts (at most `limit`, default 50), newest first.
    fn alert_history(app: App, limit: Option<u32>) -> Vec<AlertEvent> =
        app.alert_history(limit.unwrap_or(50).min(1_000));
    fn alerts_paused(app: App) -> bool = app.alerts_paused();
    /// Where alerts go besides the desktop (ntfy, a webhook) and whether privacy mode is on.
    fn alert_channels(app: App) -> Channels = app.alert_channels();
    /// Sends a test message to every channel; each attempt as it went.
    fn send_test_alert(app: App) -> Vec<Delivery> = app.send_test_alert();
    fn alert_deliveries(app: App, limit: Option<u32>) -> Vec<Delivery> =
        app.alert_deliveries(limit.unwrap_or(50).min(1_000));
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
