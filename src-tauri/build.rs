// Declares the app's own commands so each one needs a permission (granted in
// src-tauri/capabilities/), instead of Tauri's default of allowing every app command.
fn main() {
    // tauri-build does not watch a custom capabilities path: without this a changed permission
    // keeps the old grants in an incremental build.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "app_info",
            "open_data_dir",
            "desktop_settings",
            "set_desktop_settings",
            "ui_ready",
            "alert_channels",
            "update_alert_channels",
            "webhook_secret",
            "send_test_alert",
            "alert_deliveries",
            "api_server_status",
            "set_api_server",
            "open_api_docs",
            "api_tokens",
            "create_api_token",
            "revoke_api_token",
            "vault_status",
            "create_vault",
            "unlock_vault",
            "lock_vault",
            "change_passphrase",
            "app_lock",
            "set_app_lock",
            "backup_to",
            "restore_from",
            "list_holdings",
            "add_holding",
            "set_holding",
            "remove_holding",
            "undo_change",
            "coin_entries",
            "list_accounts",
            "create_account",
            "rename_account",
            "delete_account",
            "portfolio_value",
            "sync_status",
            "refresh_rates",
            "rates_settings",
            "update_rates_settings",
            "set_price_override",
            "price_history",
            "net_worth_history",
            "search_coins",
            "profit_loss",
            "coin_lots",
            "gains_report",
            "export_gains",
            "cost_settings",
            "set_cost_settings",
            "daily_history",
            "backfill",
            "list_alerts",
            "add_alert",
            "update_alert",
            "delete_alert",
            "alert_history",
            "alerts_paused",
            "set_alerts_paused",
            "notification_permission",
            "preview_import",
            "import_csv",
            "cancel_import",
            "export_csv",
        ]));
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; the message names the broken file.
        panic!("tauri-build failed: {error:#}");
    }
}
