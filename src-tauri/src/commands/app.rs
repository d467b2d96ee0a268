//! Commands about the app itself: what it is, where it keeps data, and how it behaves on the
//! desktop (tray, login item).

use std::sync::Arc;

use crypto_balance_core::{App, AppInfo, ErrorCode, ErrorReport};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_autostart::ManagerExt;
use tauri_plugin_opener::OpenerExt;

use crate::prefs::{self, DesktopPrefs};
use crate::DesktopPrefsState;

/// This build's name, version and data folder (Settings → About).
#[tauri::command]
#[specta::specta]
pub fn app_info(app: State<'_, Arc<App>>) -> AppInfo {
    app.info()
}

/// Opens the data folder in the system file manager.
#[tauri::command]
#[specta::specta]
pub fn open_data_dir<R: Runtime>(
    handle: tauri::AppHandle<R>,
    app: State<'_, Arc<App>>,
) -> Result<(), ErrorReport> {
    let folder = app.data_dir().path();
    handle
        .opener()
        .open_path(folder.to_string_lossy(), None::<&str>)
        .map_err(|error| {
            os_error(
                &format!("open {} in a file manager", folder.display()),
                error,
            )
        })
}

/// The desktop preferences and whether the app launches at login (the system's login items).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DesktopSettings {
    pub prefs: DesktopPrefs,
    pub launch_at_login: bool,
}

fn os_error(what: &str, error: impl std::fmt::Display) -> ErrorReport {
    ErrorReport {
        code: ErrorCode::OsIntegration,
        message: format!("cannot {what}: {error}"),
    }
}

#[tauri::command]
#[specta::specta]
pub fn desktop_settings<R: Runtime>(
    handle: tauri::AppHandle<R>,
    state: State<'_, DesktopPrefsState>,
) -> DesktopSettings {
    DesktopSettings {
        prefs: state.get(),
        // Unknown (no login items on this system): shown as off.
        launch_at_login: handle.autolaunch().is_enabled().unwrap_or(false),
    }
}

/// Saves the preferences and adds or removes the login item.
#[tauri::command]
#[specta::specta]
pub fn set_desktop_settings<R: Runtime>(
    handle: tauri::AppHandle<R>,
    state: State<'_, DesktopPrefsState>,
    settings: DesktopSettings,
) -> Result<DesktopSettings, ErrorReport> {
    prefs::save(&state.path, &settings.prefs)
        .map_err(|e| os_error(&format!("save {}", state.path.display()), e))?;
    state.set(settings.prefs);
    let login = handle.autolaunch();
    let enabled = login.is_enabled().unwrap_or(false);
    if settings.launch_at_login != enabled {
        let changed = if settings.launch_at_login {
            login.enable()
        } else {
            login.disable()
        };
        changed.map_err(|e| os_error("change the login item", e))?;
    }
    Ok(desktop_settings(handle, state))
}

/// The UI has drawn its first screen with data: logged with the time since the process started
/// and since the page began loading (`page_ms`), so start-up time shows in the log (and
/// scripts/bench-desktop measures it). What waited for the first screen runs now.
#[tauri::command]
#[specta::specta]
pub fn ui_ready<R: Runtime>(
    handle: AppHandle<R>,
    started: State<'_, crate::Started>,
    page_ms: Option<f64>,
) {
    tracing::info!(
        elapsed_ms = started.0.elapsed().as_millis(),
        page_ms = page_ms.map(|ms| ms.round()).unwrap_or_default(),
        "first screen rendered"
    );
    handle.state::<crate::first_screen::FirstScreen>().drawn();
}

core_commands! {
    /// Who saw what: the newest requests sent to outside services (Settings → Privacy).
    fn privacy_log(app: App, limit: Option<u32>) -> Vec<crypto_balance_core::privacy::Request> =
        app.privacy_log(limit.unwrap_or(100).min(1_000));
}
