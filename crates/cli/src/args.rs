//! Command-line arguments, parsed once into typed values (design.md section 9).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Crypto Balance: a private, local-first crypto portfolio tracker (headless CLI).
#[derive(Debug, Parser)]
#[command(name = "crypto-balance", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Folder holding the encrypted data [default: the desktop app's platform data folder]
    #[arg(
        long,
        global = true,
        env = "CRYPTO_BALANCE_DATA_DIR",
        value_name = "DIR"
    )]
    pub data_dir: Option<PathBuf>,

    /// Print machine-readable JSON on stdout (decimals as strings)
    #[arg(long, global = true)]
    pub json: bool,

    /// Read the recovery passphrase from FILE (or set CRYPTO_BALANCE_PASSPHRASE)
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show this build's version and the data folder in use
    Info,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_work_after_the_command() -> Result<(), clap::Error> {
        let cli = Cli::try_parse_from(["crypto-balance", "info", "--json", "--data-dir", "/d"])?;
        assert!(cli.global.json);
        assert_eq!(cli.global.data_dir, Some(PathBuf::from("/d")));
        Ok(())
    }

    #[test]
    fn unknown_command_is_a_usage_error() {
        let error = Cli::try_parse_from(["crypto-balance", "frobnicate"]).err();
        assert_eq!(error.map(|e| e.exit_code()), Some(2));
    }
}
