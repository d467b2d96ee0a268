//! Getting the recovery passphrase headlessly (`--passphrase-file`, `CRYPTO_BALANCE_PASSPHRASE`)
//! and unlocking the vault with it.

use crypto_balance_core::{App, ErrorCode, ErrorReport, Passphrase};

use crate::args::GlobalArgs;

/// The environment variable holding the passphrase for headless use.
pub const PASSPHRASE_ENV: &str = "CRYPTO_BALANCE_PASSPHRASE";

/// The passphrase from `--passphrase-file` (first line) or the environment, if given.
pub fn passphrase(global: &GlobalArgs) -> Result<Option<Passphrase>, ErrorReport> {
    if let Some(path) = &global.passphrase_file {
        return read_passphrase_file(path).map(Some);
    }
    Ok(std::env::var(PASSPHRASE_ENV).ok().map(Passphrase::new))
}

/// A passphrase file's first line.
pub fn read_passphrase_file(path: &std::path::Path) -> Result<Passphrase, ErrorReport> {
    let contents = std::fs::read_to_string(path).map_err(|e| ErrorReport {
        code: ErrorCode::InvalidInput,
        message: format!("cannot read passphrase file {}: {e}", path.display()),
    })?;
    Ok(Passphrase::from_file_contents(contents))
}

pub fn needs_passphrase(command: &str) -> ErrorReport {
    ErrorReport {
        code: ErrorCode::InvalidInput,
        message: format!(
            "{command} needs the recovery passphrase: pass --passphrase-file FILE or set {PASSPHRASE_ENV}"
        ),
    }
}

pub fn internal(message: String) -> ErrorReport {
    ErrorReport {
        code: ErrorCode::Internal,
        message,
    }
}

/// Unlocks silently from the keychain, else with the given passphrase.
pub async fn unlock(app: &App, global: &GlobalArgs) -> Result<(), ErrorReport> {
    let passphrase = passphrase(global)?;
    let outcome = app.unlock(passphrase.as_ref()).await?;
    if let Some(notice) = outcome.keychain_notice {
        tracing::info!("{notice}");
    }
    Ok(())
}
