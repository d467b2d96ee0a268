//! File locks on the data folder, held through the OS (released if the process dies):
//! - [`VaultLock`]: one writer for the vault itself. Every process that has the vault open holds
//!   `vault.lock` shared; creating, restoring or re-keying the vault needs it exclusively, so none
//!   of them can pull the files out from under the desktop app, the daemon or another command.
//! - [`SyncLock`]: one sync loop per data folder (`sync.lock`), so the desktop app and
//!   `crypto-balance daemon` never both spend the same API budget.
//!
//! std's `File::lock` family (Rust 1.89) is the OS lock itself (`flock` on Unix, `LockFileEx` on
//! Windows); no crate adds anything to it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name inside the data folder.
pub const VAULT_LOCK_FILE_NAME: &str = "vault.lock";

#[derive(Debug, thiserror::Error)]
pub enum VaultLockError {
    #[error("the vault in {0} is in use by another Crypto Balance process (the desktop app, `crypto-balance daemon` or another command): close it, then try again")]
    InUse(PathBuf),
    #[error("cannot lock {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// How long a taken lock is tried again before the folder counts as in use. Starting a child
/// process (a notify command, a test's child) lends the child every open file for a moment
/// between fork and exec, a lock file included, so another thread can find a lock "held" that is
/// gone milliseconds later; a lock another process holds stays held. The wait blocks the calling
/// thread, and only ever when the lock is contended.
const CONTENDED_GRACE: Duration = Duration::from_millis(200);
const RETRY_EVERY: Duration = Duration::from_millis(10);

/// Takes `file`'s lock, shared or exclusive, trying again for [`CONTENDED_GRACE`].
fn take(file: &File, access: Access) -> Result<(), TryLockError> {
    let deadline = Instant::now() + CONTENDED_GRACE;
    loop {
        let taken = match access {
            Access::Shared => file.try_lock_shared(),
            Access::Exclusive => file.try_lock(),
        };
        match taken {
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(RETRY_EVERY);
            }
            other => return other,
        }
    }
}

/// How a process holds the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reading and writing data through the database: many processes at once.
    Shared,
    /// Replacing or re-keying the vault's files: this process alone.
    Exclusive,
}

/// A held lock on the vault folder; dropping it releases the lock.
#[derive(Debug)]
pub struct VaultLock {
    _file: File,
    access: Access,
}

impl VaultLock {
    /// Takes the lock, waiting only out a brief hold (see [`CONTENDED_GRACE`]). The folder must
    /// exist.
    ///
    /// Errors: [`VaultLockError::InUse`] when another process holds it in a conflicting way.
    pub fn acquire(data_dir: &Path, access: Access) -> Result<Self, VaultLockError> {
        let path = data_dir.join(VAULT_LOCK_FILE_NAME);
        let fail = |source| VaultLockError::Io {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(fail)?;
        match take(&file, access) {
            Ok(()) => Ok(Self {
                _file: file,
                access,
            }),
            Err(TryLockError::WouldBlock) => Err(VaultLockError::InUse(data_dir.to_path_buf())),
            Err(TryLockError::Error(e)) => Err(fail(e)),
        }
    }

    pub fn access(&self) -> Access {
        self.access
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(dir: &Path, access: Access) -> Result<VaultLock, VaultLockError> {
        VaultLock::acquire(dir, access)
    }

    #[test]
    fn readers_share_and_a_replacer_waits_for_all_of_them() -> Result<(), VaultLockError> {
        let dir = tempfile::tempdir().map_err(|source| VaultLockError::Io {
            path: PathBuf::new(),
            source,
        })?;
        let first = lock(dir.path(), Access::Shared)?;
        let second = lock(dir.path(), Access::Shared)?;
        assert!(matches!(
            lock(dir.path(), Access::Exclusive),
            Err(VaultLockError::InUse(_))
        ));
        drop(first);
        assert!(lock(dir.path(), Access::Exclusive).is_err());
        drop(second);
        let exclusive = lock(dir.path(), Access::Exclusive)?;
        assert_eq!(exclusive.access(), Access::Exclusive);
        assert!(lock(dir.path(), Access::Shared).is_err());
        assert!(lock(dir.path(), Access::Exclusive).is_err());
        drop(exclusive);
        assert!(lock(dir.path(), Access::Shared).is_ok());
        Ok(())
    }
}

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
        match take(&file, Access::Exclusive) {
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
mod sync_tests {
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
