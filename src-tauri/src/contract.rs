//! The whole IPC contract in one place: every command the UI may call and every type and event it
//! receives, registered with tauri-specta, which both routes the calls and writes them as
//! TypeScript into `ui/src/api/bindings/contract.ts`; a test fails when that file drifts.

use crypto_balance_core::events::Event;
use tauri::Runtime;
use tauri_specta::collect_commands;

use crate::commands::{alerts, api, app, holdings, profit, rates, transfer, vault, wallets};

/// The contract for one runtime: the real one, and the tests' mock one. A macro because commands
/// that take an `AppHandle` are generic over the runtime and must be named with it.
pub trait Contract: Runtime {
    fn contract() -> tauri_specta::Builder<Self>;
}

macro_rules! contract_for {
    ($runtime:path) => {
        impl Contract for $runtime {
            /// The commands, in one list: adding a command means adding it here.
            fn contract() -> tauri_specta::Builder<Self> {
                tauri_specta::Builder::<Self>::new()
                    .commands(collect_commands![
                        // the app itself
                        app::app_info,
                        app::open_data_dir::<$runtime>,
                        app::desktop_settings::<$runtime>,
                        app::set_desktop_settings::<$runtime>,
                        app::ui_ready::<$runtime>,
                        app::privacy_log,
                        // the local HTTP API
                        api::api_server_status,
                        api::set_api_server,
                        api::open_api_docs::<$runtime>,
                        api::api_tokens,
                        api::create_api_token,
                        api::revoke_api_token,
                        // watch-only wallets
                        wallets::list_wallets,
                        wallets::preview_wallet,
                        wallets::add_wallet,
                        wallets::scan_wallets,
                        wallets::remove_wallet,
                        wallets::edit_wallet,
                        wallets::wallet_settings,
                        wallets::set_wallet_settings,
                        // the vault
                        vault::vault_status,
                        vault::create_vault,
                        vault::unlock_vault,
                        vault::lock_vault,
                        vault::change_passphrase,
                        vault::app_lock,
                        vault::set_app_lock,
                        vault::backup_to,
                        vault::restore_from,
                        // holdings and accounts
                        holdings::list_holdings,
                        holdings::add_holding,
                        holdings::set_holding,
                        holdings::remove_holding,
                        holdings::undo_change,
                        holdings::coin_entries,
                        holdings::list_accounts,
                        holdings::create_account,
                        holdings::rename_account,
                        holdings::delete_account,
                        // rates and the portfolio
                        rates::portfolio_value,
                        rates::sync_status::<$runtime>,
                        rates::refresh_rates::<$runtime>,
                        rates::rates_settings,
                        rates::update_rates_settings::<$runtime>,
                        rates::set_price_override,
                        rates::price_history,
                        rates::net_worth_history,
                        rates::search_coins,
                        // profit and loss
                        profit::profit_loss,
                        profit::coin_lots,
                        profit::gains_report,
                        profit::export_gains,
                        profit::cost_settings,
                        profit::set_cost_settings,
                        profit::daily_history,
                        profit::backfill,
                        // alerts
                        alerts::list_alerts,
                        alerts::add_alert,
                        alerts::update_alert,
                        alerts::delete_alert,
                        alerts::alert_history,
                        alerts::alert_channels,
                        alerts::update_alert_channels,
                        alerts::webhook_secret,
                        alerts::send_test_alert,
                        alerts::alert_deliveries,
                        alerts::alerts_paused,
                        alerts::set_alerts_paused::<$runtime>,
                        alerts::notification_permission::<$runtime>,
                        // import and export
                        transfer::preview_import,
                        transfer::import_csv,
                        transfer::cancel_import,
                        transfer::export_csv,
                    ])
                    // Core's events are emitted by name (src-tauri/src/events.rs); the UI reads
                    // their names and payloads from this one union.
                    .typ::<Event>()
                    // Ids, counts and Unix times: all far below 2^53, safe as JavaScript numbers.
                    .dangerously_cast_bigints_to_number()
                    // One TypeScript type per Rust type, the same both ways.
                    .disable_serde_phases()
            }
        }
    };
}

contract_for!(tauri::Wry);
#[cfg(test)]
contract_for!(tauri::test::MockRuntime);

#[cfg(test)]
mod tests {
    use super::*;
    use specta_typescript::Typescript;

    /// Where the generated file lives, relative to the workspace (the UI imports it from there).
    const BINDINGS: &str = "ui/src/api/bindings/contract.ts";

    /// The TypeScript output, marked as generated.
    fn typescript() -> Typescript {
        Typescript::default().header("// From src-tauri/src/contract.rs; `UPDATE_CONTRACT=1 cargo test bindings_are_current` rewrites it.")
    }

    /// The committed bindings are what the Rust side generates today. `UPDATE_CONTRACT=1 cargo
    /// test bindings_are_current` rewrites them after a change of a command or type.
    #[test]
    fn bindings_are_current() -> Result<(), Box<dyn std::error::Error>> {
        let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS);
        if std::env::var_os("UPDATE_CONTRACT").is_some() {
            <tauri::Wry as Contract>::contract().export(typescript(), &committed)?;
        }
        let fresh = tempfile::NamedTempFile::new()?;
        <tauri::Wry as Contract>::contract().export(typescript(), fresh.path())?;
        let (fresh, committed) = (
            std::fs::read_to_string(fresh.path())?,
            std::fs::read_to_string(&committed)?,
        );
        assert!(
            fresh == committed,
            "{BINDINGS} is out of date: run `UPDATE_CONTRACT=1 cargo test bindings_are_current`"
        );
        Ok(())
    }
}
