//! Commands about the app itself: what it is and where it keeps data.

use crypto_balance_core::{App, AppInfo, ErrorCode, ErrorReport};
use tauri::{Runtime, State};
use tauri_plugin_opener::OpenerExt;

/// This build's name, version and data folder (Settings → About).
#[tauri::command]
pub fn app_info(app: State<'_, App>) -> AppInfo {
    app.info()
}

/// Opens the data folder in the system file manager.
#[tauri::command]
pub fn open_data_dir<R: Runtime>(
    handle: tauri::AppHandle<R>,
    app: State<'_, App>,
) -> Result<(), ErrorReport> {
    let folder = app.data_dir().path();
    handle
        .opener()
        .open_path(folder.to_string_lossy(), None::<&str>)
        .map_err(|error| ErrorReport {
            code: ErrorCode::OsIntegration,
            message: format!(
                "cannot open {} in a file manager: {error}",
                folder.display()
            ),
        })
}
