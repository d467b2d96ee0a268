//! Errors: one enum for the crate's boundary, each variant mapped to a stable [`ErrorCode`] that the
//! UI and scripts branch on, so no consumer ever matches on message text.

use serde::Serialize;
use specta::Type;

use crate::accounts::AccountError;
use crate::alerts::AlertError;
use crate::assets::AssetError;
use crate::backup::BackupError;
use crate::holdings::HoldingsError;
use crate::locks::SyncError;
use crate::notify::NotifyError;
use crate::paths::PathError;
use crate::rates::{ApiError, RatesError, RetryPolicy};
use crate::settings::SettingsError;
use crate::store::StoreError;
use crate::tokens::TokenError;
use crate::transfer::TransferError;
use crate::vault::{KeyFileError, VaultError};
use crate::wallets::WalletError;

/// Everything that can go wrong in core, with the context a person needs to act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The data folder: missing, unusable, or a path that would overwrite the vault's files.
    #[error(transparent)]
    Path(#[from] PathError),

    #[error(transparent)]
    Vault(#[from] VaultError),

    #[error(transparent)]
    VaultLock(#[from] crate::locks::VaultLockError),

    #[error(transparent)]
    Store(#[from] StoreError),

    #[error(transparent)]
    Holdings(#[from] HoldingsError),

    #[error(transparent)]
    Account(#[from] AccountError),

    #[error(transparent)]
    Backup(#[from] BackupError),

    #[error(transparent)]
    Rates(#[from] RatesError),

    #[error(transparent)]
    Settings(#[from] SettingsError),

    #[error(transparent)]
    Sync(#[from] SyncError),

    #[error(transparent)]
    Alert(#[from] AlertError),

    #[error(transparent)]
    Transfer(#[from] TransferError),

    #[error(transparent)]
    Token(#[from] TokenError),

    #[error(transparent)]
    Notify(#[from] NotifyError),

    #[error(transparent)]
    Wallet(#[from] WalletError),

    /// Bad input outside any domain module (a price, a currency): the message says which.
    #[error("{0}")]
    InvalidInput(String),

    /// A figure too large to compute exactly.
    #[error(transparent)]
    OutOfRange(#[from] crate::valuation::OutOfRange),

    /// The vault exists but is not unlocked yet.
    #[error("the vault is locked: unlock it with the recovery passphrase first")]
    Locked,

    /// A coin not in the local catalog, which was never downloaded, while CoinGecko could not be
    /// reached to look it up.
    #[error(
        "unknown coin '{0}': the coin catalog has not been downloaded yet and CoinGecko could \
         not be reached to look the coin up; run `crypto-balance sync` once online (in the app: \
         Refresh), or use the coin's CoinGecko id"
    )]
    CatalogMissing(String),
}

/// A coin that cannot be resolved outside a holdings change reads the same as inside one.
impl From<AssetError> for Error {
    fn from(error: AssetError) -> Self {
        Error::Holdings(HoldingsError::Asset(error))
    }
}

impl Error {
    /// The stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Path(PathError::Protected { .. }) => ErrorCode::ProtectedPath,
            Error::Path(_) => ErrorCode::DataDirUnavailable,
            Error::Locked => ErrorCode::Locked,
            Error::CatalogMissing(_) => ErrorCode::UnknownCoin,
            Error::OutOfRange(_) => ErrorCode::OutOfRange,
            Error::Vault(e) => vault_code(e),
            Error::VaultLock(crate::locks::VaultLockError::InUse(_)) => ErrorCode::Busy,
            Error::VaultLock(_) => ErrorCode::Storage,
            Error::Store(e) => store_code(e),
            Error::Holdings(e) => holdings_code(e),
            Error::Account(e) => account_code(e),
            Error::Backup(e) => backup_code(e),
            Error::Rates(RatesError::Store(e)) => store_code(e),
            Error::Rates(RatesError::Api(e)) => api_code(e),
            Error::Settings(SettingsError::Store(e)) => store_code(e),
            Error::Settings(_) | Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Sync(SyncError::AlreadyRunning(_)) => ErrorCode::Conflict,
            Error::Sync(SyncError::Lock { .. }) => ErrorCode::Storage,
            Error::Alert(AlertError::Store(e)) => store_code(e),
            Error::Alert(AlertError::Duplicate(_)) => ErrorCode::Conflict,
            Error::Alert(AlertError::NotFound(_)) => ErrorCode::NotFound,
            Error::Alert(_) => ErrorCode::InvalidInput,
            Error::Transfer(TransferError::Store(e)) => store_code(e),
            Error::Transfer(TransferError::Read { .. } | TransferError::Write { .. }) => {
                ErrorCode::Storage
            }
            Error::Transfer(TransferError::Unresolved { .. }) => ErrorCode::AmbiguousCoin,
            Error::Transfer(TransferError::UnknownMappedCoin { .. }) => ErrorCode::UnknownCoin,
            Error::Transfer(TransferError::Cancelled(_)) => ErrorCode::Cancelled,
            Error::Transfer(_) => ErrorCode::InvalidInput,
            Error::Token(TokenError::Store(e)) => store_code(e),
            Error::Token(TokenError::Duplicate(_)) => ErrorCode::Conflict,
            Error::Token(TokenError::NotFound(_)) => ErrorCode::NotFound,
            Error::Token(_) => ErrorCode::InvalidInput,
            Error::Notify(NotifyError::Store(e)) => store_code(e),
            Error::Notify(_) => ErrorCode::InvalidInput,
            Error::Wallet(e) => wallet_code(e),
        }
    }

    /// The `{ code, message }` form that crosses IPC and `--json` output.
    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

fn vault_code(error: &VaultError) -> ErrorCode {
    match error {
        VaultError::NotCreated(_) => ErrorCode::VaultNotCreated,
        VaultError::AlreadyExists(_) => ErrorCode::Conflict,
        VaultError::KeyFileMissing(_) => ErrorCode::KeyFileDamaged,
        VaultError::DatabaseMissing(_) => ErrorCode::DatabaseMissing,
        VaultError::PassphraseNeeded(_) => ErrorCode::Locked,
        VaultError::PassphraseTooShort => ErrorCode::InvalidInput,
        VaultError::KeyFile(KeyFileError::WrongPassphrase) => ErrorCode::WrongPassphrase,
        VaultError::KeyFile(KeyFileError::TooNew { .. }) => ErrorCode::NewerVersion,
        VaultError::KeyFile(_) => ErrorCode::KeyFileDamaged,
        VaultError::Io { .. } => ErrorCode::Storage,
    }
}

fn api_code(error: &ApiError) -> ErrorCode {
    match error {
        ApiError::NotFound(_) => ErrorCode::NotFound,
        ApiError::RateLimited { .. } => ErrorCode::RateLimited,
        e if e.retry_policy() == RetryPolicy::NeedsUser => ErrorCode::CoingeckoSetup,
        _ => ErrorCode::CoingeckoUnavailable,
    }
}

fn store_code(error: &StoreError) -> ErrorCode {
    match error {
        StoreError::WrongKey(_) => ErrorCode::WrongKey,
        StoreError::NewerDatabase { .. } => ErrorCode::NewerVersion,
        StoreError::EncryptionUnavailable => ErrorCode::Internal,
        StoreError::ReadOnly(_)
        | StoreError::DiskFull(_)
        | StoreError::Corrupt(_)
        | StoreError::NotOurs(_) => ErrorCode::Storage,
        StoreError::Database { .. } => ErrorCode::Storage,
    }
}

fn holdings_code(error: &HoldingsError) -> ErrorCode {
    match error {
        HoldingsError::Asset(AssetError::UnknownCoin(_) | AssetError::UnknownCurrency(_)) => {
            ErrorCode::UnknownCoin
        }
        HoldingsError::Asset(AssetError::Ambiguous { .. }) => ErrorCode::AmbiguousCoin,
        HoldingsError::Asset(AssetError::Database(_)) => ErrorCode::Storage,
        HoldingsError::Account(e) => account_code(e),
        HoldingsError::NotHeld { .. } | HoldingsError::NothingToUndo(_) => ErrorCode::NotFound,
        HoldingsError::Store(e) => store_code(e),
        HoldingsError::NotPositive(_)
        | HoldingsError::Negative(_)
        | HoldingsError::BadPrice(_)
        | HoldingsError::TooLarge(_)
        | HoldingsError::PriceWithoutCurrency
        | HoldingsError::DateOutOfRange(_)
        | HoldingsError::WhichAccount { .. }
        | HoldingsError::Overflow(_) => ErrorCode::InvalidInput,
    }
}

fn backup_code(error: &BackupError) -> ErrorCode {
    match error {
        BackupError::NotABackup(_)
        | BackupError::Damaged(_)
        | BackupError::Truncated { .. }
        | BackupError::NotAuthentic(_)
        | BackupError::Empty(_) => ErrorCode::InvalidInput,
        BackupError::TooNew(_) => ErrorCode::NewerVersion,
        BackupError::Io { .. } => ErrorCode::Storage,
        BackupError::KeyFile {
            source: KeyFileError::WrongPassphrase,
            ..
        } => ErrorCode::WrongPassphrase,
        BackupError::KeyFile { .. } => ErrorCode::InvalidInput,
        BackupError::Store(e) => store_code(e),
        BackupError::Vault(e) => vault_code(e),
    }
}

fn wallet_code(error: &WalletError) -> ErrorCode {
    match error {
        WalletError::SecretRefused(_) => ErrorCode::SecretRefused,
        WalletError::Invalid(_) => ErrorCode::InvalidInput,
        WalletError::Duplicate(_) => ErrorCode::Conflict,
        WalletError::NotFound(_) => ErrorCode::NotFound,
        WalletError::Provider { .. } => ErrorCode::ProviderUnavailable,
        WalletError::OutOfRange(_) => ErrorCode::OutOfRange,
        WalletError::Account(e) => account_code(e),
        WalletError::Store(e) => store_code(e),
    }
}

fn account_code(error: &AccountError) -> ErrorCode {
    match error {
        AccountError::EmptyName | AccountError::NameTooLong => ErrorCode::InvalidInput,
        AccountError::Duplicate(_) | AccountError::InUse(_) => ErrorCode::Conflict,
        AccountError::NotFound(_) => ErrorCode::NotFound,
        AccountError::Store(e) => store_code(e),
    }
}

/// Stable error codes. Serialized in `snake_case`; a code once published is never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The data folder is missing, not creatable or not a folder.
    DataDirUnavailable,
    /// The operating system refused a desktop action (open a folder, show a notification).
    OsIntegration,
    /// A bug or an unexpected failure inside the app; the message says what.
    Internal,
    /// No vault in the data folder yet: create one (desktop first start, or `init`).
    VaultNotCreated,
    /// The vault needs the recovery passphrase to unlock.
    Locked,
    /// The recovery passphrase is wrong.
    WrongPassphrase,
    /// The database key does not match the database.
    WrongKey,
    /// The key file is missing a field, is not JSON, or was tampered with.
    KeyFileDamaged,
    /// The data was written by a newer version of the app.
    NewerVersion,
    /// The disk refused: read-only, full, or a damaged file.
    Storage,
    /// Bad input: the message names the field and what is wrong.
    InvalidInput,
    /// The coin or currency is not in the coin list.
    UnknownCoin,
    /// A symbol several coins share: use the CoinGecko id.
    AmbiguousCoin,
    /// The thing to change does not exist.
    NotFound,
    /// The change clashes with existing data (a duplicate name, a vault that exists).
    Conflict,
    /// CoinGecko's rate limit was reached; the app retries when it allows.
    RateLimited,
    /// CoinGecko cannot be reached or failed; the app retries with backoff.
    CoingeckoUnavailable,
    /// The CoinGecko plan or API key needs the user's attention (the message says which).
    CoingeckoSetup,
    /// The person cancelled the work; nothing of it was kept.
    Cancelled,
    /// The key file is there but the database is not: restore it or a backup.
    DatabaseMissing,
    /// A figure is too large to compute exactly; the message names the holding, rule or total.
    OutOfRange,
    /// The path names the vault's own files or folder, which no export or backup may overwrite.
    ProtectedPath,
    /// Another process (the desktop app, the daemon, another command) is using the vault folder
    /// for a vault-level operation; the message says which.
    Busy,
    /// The local API was called without a token, or with one that is unknown or revoked.
    Unauthorized,
    /// The token is read-only and the request would change the vault.
    Forbidden,
    /// Too many failed attempts to authenticate: wait, then try again with a valid token.
    TooManyAttempts,
    /// The request's `Host` is not the address the local API listens on (DNS rebinding guard).
    WrongHost,
    /// A private key or recovery phrase was given where a wallet's public data belongs: it was
    /// neither kept nor sent anywhere.
    SecretRefused,
    /// A wallet's chain provider (an Esplora or RPC server) could not be reached or failed; the
    /// message names it.
    ProviderUnavailable,
}

/// An error as it crosses to the UI or to machine output: a stable code and a message a person
/// can act on. Never carries secrets: messages are built from [`Error`]'s `Display`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct ErrorReport {
    pub code: ErrorCode,
    pub message: String,
}

impl From<Error> for ErrorReport {
    fn from(error: Error) -> Self {
        error.report()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_serializes_as_code_and_message() -> Result<(), serde_json::Error> {
        let report = Error::from(PathError::NoDataDir).report();
        let json = serde_json::to_value(&report)?;
        assert_eq!(json["code"], "data_dir_unavailable");
        assert!(json["message"]
            .as_str()
            .is_some_and(|m| m.contains("--data-dir")));
        assert_eq!(json.as_object().map(|o| o.len()), Some(2));
        Ok(())
    }

    #[test]
    fn unusable_dir_message_names_the_path() {
        let error = Error::from(PathError::Unusable {
            path: std::path::PathBuf::from("/nowhere/data"),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        });
        assert!(error.to_string().contains("/nowhere/data"));
        assert_eq!(error.code(), ErrorCode::DataDirUnavailable);
    }
}
