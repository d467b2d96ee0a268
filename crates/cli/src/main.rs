//! `crypto-balance`: the headless CLI over the same core as the desktop app (design.md section 9).
//!
//! Exit codes: 0 success, 2 usage error (clap), 1 any other failure with a one-line cause on
//! stderr (and the `{ code, message }` report on stdout with `--json`).

mod args;
mod output;

use std::process::ExitCode;

use clap::Parser;
use crypto_balance_core::{App, AppConfig};

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            output::failure(&error, cli.global.json);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<(), crypto_balance_core::Error> {
    let app = App::open(AppConfig {
        data_dir: cli.global.data_dir.clone(),
    })?;
    match &cli.command {
        Command::Info => output::info(&app.info(), cli.global.json),
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
