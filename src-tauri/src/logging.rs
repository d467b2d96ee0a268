//! Logs go to stderr and to one file a day in the platform's log folder, keeping a week of them.
//! What is logged never holds a secret or a holding: the core logs ids, counts, paths and error
//! kinds only (the end-to-end journey checks the files for the passphrase and the amounts it used).

use std::path::Path;

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// How many daily files are kept; older ones are deleted as new days begin.
pub const KEPT_FILES: usize = 7;

/// The log files' names: `crypto-balance.YYYY-MM-DD.log`.
const FILE_PREFIX: &str = "crypto-balance";

/// Starts logging; `CRYPTO_BALANCE_LOG` sets the filter (default `info`). Without a usable log
/// folder the app still starts, logging to stderr only. Returns the folder the files go to.
pub fn init(log_dir: Option<&Path>) -> Option<&Path> {
    let filter =
        EnvFilter::try_from_env("CRYPTO_BALANCE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let (file, file_error) = match log_dir.map(daily_files) {
        Some(Ok(file)) => (Some(file), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file.map(|file| fmt::layer().with_ansi(false).with_writer(file)))
        .try_init();
    if let (Some(dir), Some(error)) = (log_dir, &file_error) {
        tracing::warn!(%error, dir = %dir.display(), "cannot write log files; logging to stderr only");
    }
    log_dir.filter(|_| file_error.is_none())
}

fn daily_files(dir: &Path) -> Result<RollingFileAppender, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(dir)?;
    Ok(appender)
}
