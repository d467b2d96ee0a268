//! One sync loop per data folder: an OS file lock (released by the OS if the process dies), so
//! the desktop app and `crypto-balance daemon` never both spend the same API budget.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock file's name inside the data folder.
pub const LOCK_FILE_NAME: &str = "sync.lock";

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("rates for {0} are already being refreshed by another Crypto Balance process (the desktop app or `crypto-balance daemon`)")]
    AlreadyRunning(PathBuf),
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Held while a loop (or one `sync --once`) runs; dropping it releases the folder.
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

impl SyncLock {
    pub fn acquire(data_dir: &Path) -> Result<Self, SyncError> {
        let path = data_dir.join(LOCK_FILE_NAME);
        let fail = |source| SyncError::Lock {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(fail)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(SyncError::AlreadyRunning(data_dir.to_path_buf()))
            }
            Err(TryLockError::Error(e)) => return Err(fail(e)),
        }
        // The holder's process id, for people looking at the folder.
        file.set_len(0).map_err(fail)?;
        writeln!(file, "{}", std::process::id()).map_err(fail)?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_loop_on_the_same_folder_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = SyncLock::acquire(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let second = SyncLock::acquire(dir.path());
        assert!(matches!(second, Err(SyncError::AlreadyRunning(_))));
        drop(first);
        assert!(SyncLock::acquire(dir.path()).is_ok());
    }
}
