//! Commands for the local HTTP API: serving it from the desktop app (Settings → Local API), its
//! tokens, and its docs page.

use std::net::SocketAddr;
use std::sync::Arc;

use crypto_balance_api::{ServeOptions, Server};
use crypto_balance_core::tokens::{ApiToken, TokenScope};
use crypto_balance_core::{App, ErrorCode, ErrorReport};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::prefs;
use crate::DesktopPrefsState;

/// Whether the app serves the API, and where.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ApiServerStatus {
    /// The choice in Settings.
    pub enabled: bool,
    pub port: u16,
    /// `http://127.0.0.1:PORT/api/v1` while it listens.
    pub url: Option<String>,
}

/// A token just made: its secret is shown this once.
#[derive(Debug, Clone, Serialize, Type)]
pub struct NewApiToken {
    pub token: ApiToken,
    pub secret: String,
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

async fn status(server: &Server, prefs: prefs::DesktopPrefs) -> ApiServerStatus {
    ApiServerStatus {
        enabled: prefs.api_server,
        port: prefs.api_port,
        url: server
            .address()
            .await
            .map(|address| format!("http://{address}/api/v1")),
    }
}

/// At start: serves the API when Settings says so (a busy port is logged, not fatal).
pub async fn serve_if_chosen<R: Runtime>(handle: &AppHandle<R>) {
    let prefs = handle.state::<DesktopPrefsState>().get();
    if prefs.api_server {
        let server = handle.state::<Server>();
        if let Err(error) = server
            .start(loopback(prefs.api_port), ServeOptions::default())
            .await
        {
            tracing::warn!(%error, port = prefs.api_port, "cannot serve the local API");
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn api_server_status(
    server: State<'_, Server>,
    prefs: State<'_, DesktopPrefsState>,
) -> Result<ApiServerStatus, ErrorReport> {
    Ok(status(&server, prefs.get()).await)
}

/// Turns serving on (on `port`, on 127.0.0.1 only) or off, and remembers the choice.
#[tauri::command]
#[specta::specta]
pub async fn set_api_server(
    server: State<'_, Server>,
    prefs: State<'_, DesktopPrefsState>,
    enabled: bool,
    port: u16,
) -> Result<ApiServerStatus, ErrorReport> {
    if port < 1024 {
        return Err(ErrorReport {
            code: ErrorCode::InvalidInput,
            message: format!("port {port} is reserved for the system: pick one from 1024 to 65535"),
        });
    }
    if enabled {
        server
            .start(loopback(port), ServeOptions::default())
            .await
            .map_err(|error| ErrorReport {
                code: ErrorCode::OsIntegration,
                message: format!(
                    "cannot listen on 127.0.0.1:{port}: {error} (another program may use it: \
                     pick another port)"
                ),
            })?;
    } else {
        server.stop().await;
    }
    let chosen = prefs::DesktopPrefs {
        api_server: enabled,
        api_port: port,
        ..prefs.get()
    };
    prefs.save(chosen).map_err(|error| ErrorReport {
        code: ErrorCode::Storage,
        message: format!("cannot save the setting: {error}"),
    })?;
    Ok(status(&server, chosen).await)
}

/// Opens the API's docs page in the browser.
#[tauri::command]
#[specta::specta]
pub async fn open_api_docs<R: Runtime>(
    handle: AppHandle<R>,
    server: State<'_, Server>,
) -> Result<(), ErrorReport> {
    let Some(address) = server.address().await else {
        return Err(ErrorReport {
            code: ErrorCode::InvalidInput,
            message: "the local API is off: turn it on first".to_owned(),
        });
    };
    handle
        .opener()
        .open_url(format!("http://{address}/api/v1/docs"), None::<&str>)
        .map_err(|error| ErrorReport {
            code: ErrorCode::OsIntegration,
            message: format!("cannot open the browser: {error}"),
        })
}

core_commands! {
    fn api_tokens(app: App) -> Vec<ApiToken> = app.api_tokens();
    fn revoke_api_token(app: App, name: String) -> () = app.revoke_api_token(&name);
}

#[tauri::command]
#[specta::specta]
pub async fn create_api_token(
    app: State<'_, Arc<App>>,
    name: String,
    read_only: bool,
) -> Result<NewApiToken, ErrorReport> {
    let scope = if read_only {
        TokenScope::Read
    } else {
        TokenScope::ReadWrite
    };
    let (token, secret) = app.create_api_token(&name, scope).await?;
    Ok(NewApiToken {
        token,
        secret: secret.expose().to_owned(),
    })
}
