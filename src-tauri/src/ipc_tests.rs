//! The real command handlers, called through Tauri's IPC on the mock runtime with the app's real
//! capabilities (no window, no display): what the UI can and cannot call.

use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

use crypto_balance_core::{App, AppConfig};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn start(
    data_dir: &std::path::Path,
) -> Result<(tauri::App<MockRuntime>, WebviewWindow<MockRuntime>), Box<dyn std::error::Error>> {
    let core = App::open(AppConfig {
        data_dir: Some(data_dir.to_path_buf()),
    })?;
    let app = crate::configure(mock_builder())
        .manage(core)
        .build(tauri::generate_context!())?;
    let window = match app.get_webview_window(crate::window::MAIN) {
        Some(window) => window,
        None => tauri::WebviewWindowBuilder::new(&app, crate::window::MAIN, Default::default())
            .build()?,
    };
    Ok((app, window))
}

fn invoke(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
) -> Result<Result<serde_json::Value, serde_json::Value>, Box<dyn std::error::Error>> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        // On Linux the app's own origin is tauri://localhost; anything else counts as remote.
        url: "tauri://localhost".parse()?,
        body: InvokeBody::default(),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    Ok(get_ipc_response(window, request)
        .map(|body| body.deserialize::<serde_json::Value>().unwrap_or_default()))
}

#[test]
fn app_info_reports_the_data_folder_and_version() -> TestResult {
    let temp = tempfile::tempdir()?;
    let (_app, window) = start(temp.path())?;
    let info = invoke(&window, "app_info")?.map_err(|e| format!("app_info rejected: {e}"))?;
    assert_eq!(info["data_dir"], temp.path().display().to_string());
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["name"], "Crypto Balance");
    Ok(())
}

#[test]
fn plugin_commands_the_ui_does_not_use_are_denied() -> TestResult {
    let temp = tempfile::tempdir()?;
    let (_app, window) = start(temp.path())?;
    let denied = invoke(&window, "plugin:opener|open_url")?;
    assert!(
        denied.is_err(),
        "the opener plugin is not granted to the UI: {denied:?}"
    );
    Ok(())
}

#[test]
fn unknown_commands_are_rejected() -> TestResult {
    let temp = tempfile::tempdir()?;
    let (_app, window) = start(temp.path())?;
    assert!(invoke(&window, "no_such_command")?.is_err());
    Ok(())
}
