//! `crypto-balance`: the headless CLI over the same core as the desktop app (design.md section 9).
//!
//! Exit codes: 0 success, 2 usage error (clap), 1 any other failure with a one-line cause on
//! stderr (and the `{ code, message }` report on stdout with `--json`).

mod alerts;
mod api;
mod args;
mod output;
mod profit;
mod rates;
mod transfer;
mod unlock;
mod wallets;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use crypto_balance_core::app::HistoryQuery;
use crypto_balance_core::holdings::NewHolding;
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::secret::ApiKey;
use crypto_balance_core::vault::NoKeychain;
use crypto_balance_core::wallets::ProviderOverrides;
use crypto_balance_core::{App, AppConfig, ErrorReport};

use args::{ApiCommand, Cli, Command, HoldingsCommand, PrivacyCommand, ReportCommand};

/// The CoinGecko API key for headless use (else the one stored with `settings --api-key-file`).
const COINGECKO_KEY_ENV: &str = "CRYPTO_BALANCE_COINGECKO_KEY";

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            output::failure(
                &unlock::internal(format!("cannot start: {error}")),
                cli.global.json,
            );
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => {
            output::failure(&report, cli.global.json);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: &Cli) -> Result<(), ErrorReport> {
    let global = &cli.global;
    let app = Arc::new(App::open(AppConfig {
        data_dir: global.data_dir.clone(),
        keychain: (global.keychain == "off").then(|| Arc::new(NoKeychain) as _),
        coingecko: CoinGeckoOverrides {
            base_url: global.coingecko_url.clone(),
            plan: global.coingecko_plan,
            // From the environment only: a key on the command line would show in `ps`.
            api_key: std::env::var(COINGECKO_KEY_ENV)
                .ok()
                .and_then(|key| ApiKey::new(&key)),
            timeout: None,
            freshness: None,
            defillama_url: global.defillama_url.clone(),
        },
        wallets: ProviderOverrides::from_env(),
        ..AppConfig::default()
    })?);
    let json = global.json;
    match &cli.command {
        Command::Info => output::info(&app.info(), json),
        Command::Init { no_keychain } => {
            let passphrase =
                unlock::passphrase(global)?.ok_or_else(|| unlock::needs_passphrase("init"))?;
            let use_keychain = !no_keychain && global.keychain == "on";
            let outcome = app.create_vault(&passphrase, use_keychain).await?;
            output::created(&app, &outcome, json);
        }
        Command::Holdings(command) => {
            unlock::unlock(&app, global).await?;
            holdings(&app, command, json).await?;
        }
        Command::Undo { id } => {
            unlock::unlock(&app, global).await?;
            app.undo(*id).await?;
            output::undone(*id, json);
        }
        Command::Backup { file } => {
            unlock::unlock(&app, global).await?;
            let size = app.backup(file).await?;
            output::done(
                &format!(
                    "Wrote an encrypted backup to {} ({size} bytes)",
                    file.display()
                ),
                json,
            );
        }
        Command::Restore { file } => {
            let passphrase =
                unlock::passphrase(global)?.ok_or_else(|| unlock::needs_passphrase("restore"))?;
            let outcome = app.restore(file, &passphrase).await?;
            let kept = match &outcome.kept {
                Some(folder) => format!("; the replaced files are kept in {folder}"),
                None => String::new(),
            };
            output::done(
                &format!(
                    "Restored {}: the backup's passphrase opens the vault from now on{kept}",
                    file.display()
                ),
                json,
            );
        }
        Command::ChangePassphrase {
            new_passphrase_file,
        } => {
            let old = unlock::passphrase(global)?
                .ok_or_else(|| unlock::needs_passphrase("change-passphrase"))?;
            let new = unlock::read_passphrase_file(new_passphrase_file)?;
            app.change_passphrase_with(&old, &new, &output::rekey_progress)
                .await?;
            output::progress_done();
            output::done("Changed the recovery passphrase", json);
        }
        Command::AppLock { state } => {
            let passphrase =
                unlock::passphrase(global)?.ok_or_else(|| unlock::needs_passphrase("app-lock"))?;
            app.set_app_lock(&passphrase, state == "on").await?;
            output::done(
                if state == "on" {
                    "App lock is on: the passphrase is needed at every start"
                } else {
                    "App lock is off: the system keychain unlocks silently"
                },
                json,
            );
        }
        Command::Sync { .. } => {
            unlock::unlock(&app, global).await?;
            rates::sync_once(&app, json).await?;
        }
        Command::Rates { coins } => {
            unlock::unlock(&app, global).await?;
            rates::rates(&app, coins, json).await?;
        }
        Command::Override {
            coin,
            price,
            currency,
            clear,
        } => {
            unlock::unlock(&app, global).await?;
            let price = if *clear { None } else { *price };
            rates::set_override(&app, coin, price, currency.as_deref(), json).await?;
        }
        Command::Value { currency } => {
            unlock::unlock(&app, global).await?;
            rates::value(&app, currency.as_deref(), json).await?;
        }
        Command::Daemon {
            notify_command,
            api,
        } => {
            let options = api::serve_options(api)?;
            let listening = api::bind(api).await?.map(|l| (l, options));
            unlock::unlock(&app, global).await?;
            rates::daemon(app.clone(), json, notify_command.as_deref(), listening).await?;
        }
        Command::Privacy(PrivacyCommand::Log { limit }) => {
            unlock::unlock(&app, global).await?;
            output::privacy_log(&app.privacy_log(*limit).await?, json);
        }
        Command::Wallets(command) => {
            unlock::unlock(&app, global).await?;
            wallets::run(&app, command, json).await?;
        }
        Command::Api(ApiCommand::Token(command)) => {
            unlock::unlock(&app, global).await?;
            api::token(&app, command, json).await?;
        }
        Command::Import {
            file,
            format,
            account,
            map,
            column,
            utc_offset,
            dry_run,
        } => {
            let options = transfer::options(
                format,
                account.clone(),
                map.clone(),
                column.clone(),
                utc_offset.as_deref(),
                *dry_run,
            )?;
            unlock::unlock(&app, global).await?;
            transfer::import(&app, file, &options, json).await?;
        }
        Command::Export { target, what } => {
            unlock::unlock(&app, global).await?;
            transfer::export(&app, target, what, json).await?;
        }
        Command::Alerts(command) => {
            unlock::unlock(&app, global).await?;
            alerts::run(&app, command, json).await?;
        }
        Command::Settings(args) => {
            unlock::unlock(&app, global).await?;
            rates::settings(&app, args, json).await?;
        }
        Command::Pl { year, cost } => {
            unlock::unlock(&app, global).await?;
            profit::pl(&app, *year, cost, json).await?;
        }
        Command::Lots { coin, cost } => {
            unlock::unlock(&app, global).await?;
            profit::lots(&app, coin, cost, json).await?;
        }
        Command::Backfill => {
            unlock::unlock(&app, global).await?;
            profit::backfill(&app, json).await?;
        }
        Command::History {
            from,
            coin,
            account,
        } => {
            unlock::unlock(&app, global).await?;
            let query = HistoryQuery {
                from: *from,
                coin: coin.clone(),
                account: account.clone(),
            };
            profit::history(&app, &query, json).await?;
        }
        Command::Report(ReportCommand::Gains { year, file, cost }) => {
            unlock::unlock(&app, global).await?;
            profit::report_gains(&app, *year, file, cost, json).await?;
        }
    }
    app.lock().await;
    Ok(())
}

async fn holdings(app: &App, command: &HoldingsCommand, json: bool) -> Result<(), ErrorReport> {
    match command {
        HoldingsCommand::Add {
            coin,
            amount,
            account,
            price,
            currency,
            note,
            date,
        } => {
            let change = app
                .add_holding(NewHolding {
                    coin: coin.clone(),
                    amount: *amount,
                    account: account.clone(),
                    price: *price,
                    currency: currency.clone(),
                    note: note.clone(),
                    occurred_at: *date,
                })
                .await?;
            output::changed("Added", &change, json);
        }
        HoldingsCommand::List => output::holdings(&app.holdings().await?, json),
        HoldingsCommand::Set {
            coin,
            amount,
            account,
        } => {
            let change = app.set_holding(coin, *amount, account.as_deref()).await?;
            output::changed("Set", &change, json);
        }
        HoldingsCommand::Remove { coin, account } => {
            let change = app.remove_holding(coin, account.as_deref()).await?;
            output::removed(&change, json);
        }
    }
    Ok(())
}

/// Logs go to stderr so `--json` stdout stays machine-readable; `CRYPTO_BALANCE_LOG` sets the level.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CRYPTO_BALANCE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
