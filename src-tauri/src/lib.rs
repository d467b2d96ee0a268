//! The Crypto Balance desktop shell: Tauri wiring only. Everything the product does lives in
//! `crypto-balance-core`; this crate turns it into commands, events, a tray and windows.
//!
//! Modules:
//! - [`commands`]: the IPC commands, one file per area, errors as `{ code, message }`.
//! - [`contract`]: the IPC contract (commands, their types, events), generated for the UI.
//! - [`events`]: the bridge from core's events to the window, the tray and notifications.
//! - [`first_screen`]: start-up work that waits until the first screen is drawn.
//! - [`painting`]: the web view paints on the CPU where there is no GPU (Linux).
//! - [`sync`]: the core sync loop in the app's runtime, bridged to events and the tray.
//! - [`notify`]: fired alerts as system notifications.
//! - [`tray`]: the tray icon and its menu.
//! - [`window`]: the main window's lifecycle (closing hides it to the tray, or quits).
//! - [`prefs`]: the desktop preferences (close to tray, start minimized), read before unlock.
//! - [`logging`]: stderr and rotated daily files in the platform's log folder.
//! - [`shutdown`]: quitting cleanly on Quit, on signals, and at logout.
//! - [`startup_error`]: a native dialog when the app cannot start.

mod commands;
mod contract;
mod events;
mod first_screen;
mod logging;
mod notify;
mod painting;
mod prefs;
mod shutdown;
mod startup_error;
mod sync;
mod tray;
mod window;

#[cfg(test)]
mod ipc_tests;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use crypto_balance_core::paths::{AppFolders, DATA_DIR_ENV};
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::secret::ApiKey;
use crypto_balance_core::sync::Refresher;
use crypto_balance_core::{App, AppConfig};
use startup_error::StartupError;
use tauri::{Builder, Manager, Runtime};

/// When the process started, for the start-up time in the log.
#[derive(Debug)]
pub struct Started(std::time::Instant);

/// Starts the desktop app and blocks until it quits.
pub fn run() -> ExitCode {
    let started = Started(std::time::Instant::now());
    let painting = painting::choose_for_this_machine();
    let explicit_data_dir = std::env::var_os(DATA_DIR_ENV).map(PathBuf::from);
    let folders = AppFolders::resolve(explicit_data_dir.as_deref());
    let log_dir = logging::init(folders.as_ref().map(|folders| folders.logs.as_path()))
        .map(std::path::Path::to_path_buf);
    // Settings and logs are private to the user at every start, like the data folder.
    for folder in folders.iter().flat_map(|f| [&f.config, &f.logs]) {
        if let Err(error) = crypto_balance_core::paths::restrict_tree(folder) {
            tracing::warn!(%error, folder = %folder.display(), "cannot make the folder private");
        }
    }
    if painting == painting::Painting::CpuWithoutGpu {
        tracing::info!("no GPU found: the web view paints on the CPU");
    }
    let config = AppConfig {
        data_dir: explicit_data_dir,
        coingecko: coingecko_from_env(),
        wallets: crypto_balance_core::wallets::ProviderOverrides::from_env(),
        ..AppConfig::default()
    };
    let app = match App::open(config) {
        Ok(app) => Arc::new(app),
        Err(error) => {
            startup_error::show(StartupError::Data(&error), log_dir.as_deref());
            return ExitCode::FAILURE;
        }
    };
    // Without platform folders (no home), preferences stay beside the data.
    let config_dir = folders.map_or_else(|| app.data_dir().path().to_path_buf(), |f| f.config);
    let prefs = DesktopPrefsState::load(prefs::path_in(&config_dir));
    let in_tray =
        prefs.get().start_minimized && std::env::args().any(|arg| arg == prefs::AUTOSTART_ARG);
    let refresher = Arc::new(Refresher::new(app.clone()));
    let built = configure(desktop_plugins(Builder::default(), &config_dir))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![prefs::AUTOSTART_ARG]),
        ))
        .manage(refresher.clone())
        .manage(crypto_balance_api::Server::new(app.clone(), refresher))
        .manage(app)
        .manage(prefs)
        .manage(started)
        .setup(move |app| {
            shutdown::quit_on_signals(app.handle().clone());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                commands::vault::unlock_at_start(&handle).await;
            });
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                commands::api::serve_if_chosen(&handle).await;
            });
            // The window starts hidden (tauri.conf.json) so a launch at login can stay in the tray.
            if in_tray {
                tray::build(app.handle())?;
                app.state::<first_screen::FirstScreen>().drawn();
            } else {
                window::show(app.handle());
                first_screen::after(app.handle(), |handle| async move {
                    tray::build_soon(&handle);
                });
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    match built {
        Ok(app) => {
            app.run(shutdown::on_run_event);
            ExitCode::SUCCESS
        }
        Err(error) => {
            startup_error::show(StartupError::Shell(&error), log_dir.as_deref());
            ExitCode::FAILURE
        }
    }
}

/// The file, in the config folder, that remembers the window's size and position.
const WINDOW_STATE_FILE: &str = "window-state.json";

/// One instance per user (a second launch shows the running window and exits), and the window's
/// size and position remembered between launches. On Linux debug builds are a separate instance,
/// as they have separate folders, so a developer can run one beside the installed app.
fn desktop_plugins<R: Runtime>(builder: Builder<R>, config_dir: &std::path::Path) -> Builder<R> {
    use tauri_plugin_window_state::StateFlags;
    let single_instance = tauri_plugin_single_instance::Builder::new().callback(|app, _, _| {
        tracing::info!("another launch asked for the window");
        window::show(app);
    });
    // Only the Linux implementation (a D-Bus name) takes an id; the others use the identifier.
    #[cfg(target_os = "linux")]
    let single_instance = single_instance.dbus_id(crypto_balance_core::paths::FOLDER_NAME);
    // An absolute file name replaces the plugin's default folder (Tauri's config folder, which
    // knows nothing of debug builds or an explicit data folder).
    let window_state = tauri_plugin_window_state::Builder::new()
        .with_filename(config_dir.join(WINDOW_STATE_FILE).to_string_lossy())
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED);
    // The single-instance plugin must come first: a second launch exits before anything else starts.
    builder
        .plugin(single_instance.build())
        .plugin(window_state.build())
}

/// The desktop preferences, shared by the window events and the settings commands.
#[derive(Debug)]
pub struct DesktopPrefsState {
    path: PathBuf,
    current: Mutex<prefs::DesktopPrefs>,
}

impl DesktopPrefsState {
    fn load(path: PathBuf) -> Self {
        let current = Mutex::new(prefs::load(&path));
        Self { path, current }
    }

    pub fn get(&self) -> prefs::DesktopPrefs {
        self.current.lock().map(|p| *p).unwrap_or_default()
    }

    fn set(&self, prefs: prefs::DesktopPrefs) {
        if let Ok(mut current) = self.current.lock() {
            *current = prefs;
        }
    }

    /// Writes `prefs` to the file and keeps them as the current ones.
    pub fn save(&self, prefs: prefs::DesktopPrefs) -> std::io::Result<()> {
        prefs::save(&self.path, &prefs)?;
        self.set(prefs);
        Ok(())
    }
}

/// `CRYPTO_BALANCE_COINGECKO_URL`, `_PLAN` and `_KEY`, as the CLI reads them (design.md 9),
/// `_FRESHNESS_SECONDS` for tests, and `CRYPTO_BALANCE_DEFILLAMA_URL`.
fn coingecko_from_env() -> CoinGeckoOverrides {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    CoinGeckoOverrides {
        base_url: var("CRYPTO_BALANCE_COINGECKO_URL"),
        plan: var("CRYPTO_BALANCE_COINGECKO_PLAN").and_then(|plan| match plan.parse() {
            Ok(plan) => Some(plan),
            Err(error) => {
                tracing::warn!(%error, "ignoring CRYPTO_BALANCE_COINGECKO_PLAN");
                None
            }
        }),
        api_key: var("CRYPTO_BALANCE_COINGECKO_KEY").and_then(|key| ApiKey::new(&key)),
        timeout: None,
        // For tests against the fake: how long fetched prices count as fresh (default: the
        // plan's own cache time, so real CoinGecko is never asked for what it has not changed).
        freshness: var("CRYPTO_BALANCE_COINGECKO_FRESHNESS_SECONDS")
            .and_then(|seconds| seconds.parse().ok())
            .map(std::time::Duration::from_secs),
        defillama_url: var("CRYPTO_BALANCE_DEFILLAMA_URL"),
    }
}

/// Plugins, commands and window behaviour, shared by [`run`] and the tests' mock runtime.
fn configure<R: contract::Contract>(builder: Builder<R>) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(events::plugin())
        .manage(tray::TrayShows::default())
        .manage(first_screen::FirstScreen::default())
        .manage(commands::transfer::RunningImport::default())
        .invoke_handler(R::contract().invoke_handler())
        .on_window_event(window::on_event)
}
