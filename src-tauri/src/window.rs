//! The main window's lifecycle: closing it hides it to the tray, so the sync loop and alerts keep
//! running (Quit in the tray menu is the way out), unless the user chose that closing quits.

use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

use crate::DesktopPrefsState;

/// The label of the one main window (tauri.conf.json).
pub const MAIN: &str = "main";

pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event {
        if window.label() != MAIN {
            return;
        }
        let to_tray = window
            .try_state::<DesktopPrefsState>()
            .is_none_or(|prefs| prefs.get().close_to_tray);
        api.prevent_close();
        if to_tray {
            if let Err(error) = window.hide() {
                tracing::warn!(%error, "cannot hide the main window");
            }
        } else {
            window.app_handle().exit(0);
        }
    }
}

/// Shows the main window if hidden, hides it if shown.
pub fn toggle<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(MAIN) else {
        return;
    };
    let result = match window.is_visible() {
        Ok(true) => window.hide(),
        _ => show_and_focus(&window),
    };
    if let Err(error) = result {
        tracing::warn!(%error, "cannot show or hide the main window");
    }
}

/// Shows and focuses the main window.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        if let Err(error) = show_and_focus(&window) {
            tracing::warn!(%error, "cannot show the main window");
        }
    }
}

fn show_and_focus<R: Runtime>(window: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    window.show()?;
    window.unminimize()?;
    window.set_focus()
}
