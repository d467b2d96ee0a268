//! The real command handlers, called through Tauri's IPC on the mock runtime with the app's real
//! capabilities (no window, no display): what the UI can and cannot call.

use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

use std::sync::Arc;

use crypto_balance_core::holdings::NewHolding;
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::vault::{KdfParams, MemoryKeychain};
use crypto_balance_core::{App, AppConfig};

type TestResult = Result<(), Box<dyn std::error::Error>>;

type Started = (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>);

fn start(data_dir: &std::path::Path) -> Result<Started, Box<dyn std::error::Error>> {
    start_with(data_dir, CoinGeckoOverrides::default())
}

fn start_with(
    data_dir: &std::path::Path,
    coingecko: CoinGeckoOverrides,
) -> Result<Started, Box<dyn std::error::Error>> {
    let core = App::open(AppConfig {
        data_dir: Some(data_dir.to_path_buf()),
        keychain: Some(Arc::new(MemoryKeychain::default())),
        kdf: Some(KdfParams::insecure_for_tests()),
        coingecko,
        ..AppConfig::default()
    })?;
    let core = Arc::new(core);
    let refresher = Arc::new(crypto_balance_core::sync::Refresher::new(core.clone()));
    let app = crate::configure(mock_builder())
        .manage(refresher.clone())
        .manage(crypto_balance_api::Server::new(core.clone(), refresher))
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
    invoke_with(window, cmd, serde_json::json!({}))
}

fn invoke_with(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: serde_json::Value,
) -> Result<Result<serde_json::Value, serde_json::Value>, Box<dyn std::error::Error>> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        // On Linux the app's own origin is tauri://localhost; anything else counts as remote.
        url: "tauri://localhost".parse()?,
        body: InvokeBody::Json(args),
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

#[test]
fn first_start_creates_the_vault_then_holdings_can_be_listed() -> TestResult {
    let temp = tempfile::tempdir()?;
    let (_app, window) = start(temp.path())?;
    assert_eq!(invoke(&window, "vault_status")?, Ok("not_created".into()));
    let locked = invoke(&window, "list_holdings")?.expect_err("locked");
    assert_eq!(locked["code"], "locked");

    let short = invoke_with(
        &window,
        "create_vault",
        serde_json::json!({ "passphrase": "short", "useKeychain": true }),
    )?
    .expect_err("too short");
    assert_eq!(short["code"], "invalid_input");

    let created = invoke_with(
        &window,
        "create_vault",
        serde_json::json!({ "passphrase": "a long enough passphrase", "useKeychain": true }),
    )?
    .map_err(|e| format!("create_vault rejected: {e}"))?;
    assert_eq!(created["status"], "unlocked");
    assert_eq!(invoke(&window, "vault_status")?, Ok("unlocked".into()));
    assert_eq!(invoke(&window, "list_holdings")?, Ok(serde_json::json!([])));
    Ok(())
}

#[test]
fn commands_the_ui_does_not_use_yet_are_not_granted() -> TestResult {
    let temp = tempfile::tempdir()?;
    let (_app, window) = start(temp.path())?;
    for command in [
        "add_holding",
        "backup_to",
        "restore_from",
        "delete_account",
        "preview_import",
        "import_csv",
        "export_csv",
    ] {
        assert!(
            invoke(&window, command)?.is_err(),
            "{command} should be denied"
        );
    }
    Ok(())
}

#[test]
fn unlocking_starts_the_rates_loop_and_the_portfolio_is_valued() -> TestResult {
    let fake = tauri::async_runtime::block_on(coingecko_fake::FakeCoinGecko::start_default())?;
    let temp = tempfile::tempdir()?;
    let overrides = CoinGeckoOverrides {
        base_url: Some(fake.base_url()),
        ..CoinGeckoOverrides::default()
    };
    let (app, window) = start_with(temp.path(), overrides)?;
    let not_yet = invoke(&window, "refresh_rates")?.expect_err("no loop before unlock");
    assert!(not_yet["message"]
        .as_str()
        .is_some_and(|m| m.contains("unlock")));
    invoke_with(
        &window,
        "create_vault",
        serde_json::json!({ "passphrase": "a long enough passphrase", "useKeychain": false }),
    )?
    .map_err(|e| format!("create_vault rejected: {e}"))?;
    // The add form is the UI issue's; add through core.
    tauri::async_runtime::block_on(app.state::<Arc<App>>().add_holding(NewHolding {
        coin: "bitcoin".into(),
        amount: "0.5".parse()?,
        account: None,
        price: None,
        currency: None,
        note: None,
        occurred_at: None,
    }))?;
    invoke(&window, "refresh_rates")?.map_err(|e| format!("refresh_rates rejected: {e}"))?;
    let (mut valuation, mut status) = (serde_json::Value::Null, serde_json::Value::Null);
    for _ in 0..100 {
        valuation = invoke(&window, "portfolio_value")?.map_err(|e| format!("{e}"))?;
        status = invoke(&window, "sync_status")?.map_err(|e| format!("{e}"))?;
        if valuation["missing_prices"] == serde_json::json!([]) && status["state"] == "idle" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(valuation["total"], "33593.6679468283", "{valuation}");
    assert!(status["last_success_at"].is_i64(), "{status}");
    assert!(fake.calls_to("/simple/price") >= 1);

    tauri::async_runtime::block_on(
        app.state::<std::sync::Arc<crypto_balance_core::sync::Refresher>>()
            .stop(),
    );
    let status = invoke(&window, "sync_status")?.map_err(|e| format!("{e}"))?;
    assert_eq!(status["state"], "stopped");
    Ok(())
}

#[test]
fn the_ui_may_listen_to_backend_events() -> TestResult {
    let temp = tempfile::tempdir()?;
    let (_app, window) = start(temp.path())?;
    let listened = invoke_with(
        &window,
        "plugin:event|listen",
        serde_json::json!({ "event": "rates-updated", "target": { "kind": "Any" }, "handler": 7 }),
    )?;
    assert!(listened.is_ok(), "listening is granted: {listened:?}");
    let emitted = invoke_with(
        &window,
        "plugin:event|emit",
        serde_json::json!({ "event": "rates-updated", "payload": null }),
    )?;
    assert!(
        emitted.is_err(),
        "the UI cannot fake backend events: {emitted:?}"
    );
    Ok(())
}

/// Polls `check` every 50 ms for up to 10 s.
fn wait_until(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if check() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    false
}

#[test]
fn a_crossing_requests_exactly_one_notification_and_the_ui_can_read_it() -> TestResult {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tauri::Listener;

    let fake = tauri::async_runtime::block_on(coingecko_fake::FakeCoinGecko::start_default())?;
    let temp = tempfile::tempdir()?;
    let overrides = CoinGeckoOverrides {
        base_url: Some(fake.base_url()),
        freshness: Some(std::time::Duration::from_millis(1)),
        ..CoinGeckoOverrides::default()
    };
    let (app, window) = start_with(temp.path(), overrides)?;
    let notified = Arc::new(AtomicUsize::new(0));
    let counter = notified.clone();
    app.listen_any("alert-fired", move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let updates = Arc::new(AtomicUsize::new(0));
    let update_counter = updates.clone();
    app.listen_any("rates-updated", move |_| {
        update_counter.fetch_add(1, Ordering::SeqCst);
    });
    invoke_with(
        &window,
        "create_vault",
        serde_json::json!({ "passphrase": "a long enough passphrase", "useKeychain": false }),
    )?
    .map_err(|e| format!("create_vault rejected: {e}"))?;
    assert!(
        wait_until(|| updates.load(Ordering::SeqCst) >= 1),
        "the first cycle at unlock"
    );
    tauri::async_runtime::block_on(app.state::<Arc<App>>().add_alert(
        crypto_balance_core::alerts::NewAlert {
            note: Some("take profit".into()),
            ..crypto_balance_core::alerts::NewAlert::new(
                crypto_balance_core::alerts::AlertKind::PriceAbove,
                Some("bitcoin"),
                "70000".parse()?,
            )
        },
    ))?;
    // One cycle per price: through the line, then jitter inside the hysteresis band.
    for price in ["67000", "70500", "70400", "69900", "70600"] {
        fake.set_price("bitcoin", "usd", price);
        let before = updates.load(Ordering::SeqCst);
        invoke(&window, "refresh_rates")?.map_err(|e| format!("refresh_rates: {e}"))?;
        assert!(
            wait_until(|| updates.load(Ordering::SeqCst) > before),
            "a cycle after {price}"
        );
    }
    assert_eq!(notified.load(Ordering::SeqCst), 1);
    let history = invoke(&window, "alert_history")?.map_err(|e| format!("{e}"))?;
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    assert_eq!(history[0]["observed"], "70500");
    let rules = invoke(&window, "list_alerts")?.map_err(|e| format!("{e}"))?;
    assert_eq!(rules[0]["note"], "take profit");
    assert_eq!(
        invoke(&window, "notification_permission")?,
        Ok("granted".into())
    );
    assert!(
        invoke(&window, "add_alert")?.is_err(),
        "creating is not granted until the UI does it"
    );
    tauri::async_runtime::block_on(
        app.state::<std::sync::Arc<crypto_balance_core::sync::Refresher>>()
            .stop(),
    );
    Ok(())
}

/// A command the UI calls that the capabilities do not grant fails in the app with "not allowed",
/// silently for a screen that only shows figures; this catches it at `cargo test`.
#[test]
fn every_command_the_ui_calls_is_granted() -> TestResult {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let capabilities = std::fs::read_to_string(root.join("src-tauri/capabilities/main.json"))?;
    let manifest = std::fs::read_to_string(root.join("src-tauri/build.rs"))?;
    let mut called = Vec::new();
    for entry in std::fs::read_dir(root.join("ui/src/api"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "ts") {
            let text = std::fs::read_to_string(&path)?;
            for piece in text.split("commands.").skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .flat_map(|c| {
                        let lower = c.to_ascii_lowercase();
                        (c.is_ascii_uppercase().then_some('_').into_iter()).chain([lower])
                    })
                    .collect();
                called.push(name);
            }
        }
    }
    assert!(called.contains(&"profit_loss".to_owned()), "{called:?}");
    let missing: Vec<&String> = called
        .iter()
        .filter(|name| {
            let permission = format!("\"allow-{}\"", name.replace('_', "-"));
            !capabilities.contains(&permission) || !manifest.contains(&format!("\"{name}\""))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "called by the UI but not granted: {missing:?}"
    );
    Ok(())
}
