//! Errors: one enum for the crate's boundary, each variant mapped to a stable [`ErrorCode`] that the
//! UI and scripts branch on, so no consumer ever matches on message text.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

/// Everything that can go wrong in core, with the context a person needs to act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The platform has no per-user data folder (no home directory) and none was given.
    #[error(
        "cannot find a data folder for this user: pass --data-dir or set CRYPTO_BALANCE_DATA_DIR"
    )]
    NoDataDir,

    /// The data folder could not be created or is not a folder.
    #[error("cannot use data folder {path}: {source}")]
    DataDirUnusable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NoDataDir | Error::DataDirUnusable { .. } => ErrorCode::DataDirUnavailable,
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

/// Stable error codes. Serialized in `snake_case`; a code once published is never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// The data folder is missing, not creatable or not a folder.
    DataDirUnavailable,
    /// The operating system refused a desktop action (open a folder, show a notification).
    OsIntegration,
    /// A bug or an unexpected failure inside the app; the message says what.
    Internal,
}

/// An error as it crosses to the UI or to machine output: a stable code and a message a person
/// can act on. Never carries secrets: messages are built from [`Error`]'s `Display`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
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
        let report = Error::NoDataDir.report();
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
        let error = Error::DataDirUnusable {
            path: PathBuf::from("/nowhere/data"),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert!(error.to_string().contains("/nowhere/data"));
        assert_eq!(error.code(), ErrorCode::DataDirUnavailable);
    }
}
