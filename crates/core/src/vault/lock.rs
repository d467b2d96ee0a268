//! One writer across processes for the vault itself. Every process that has the vault open holds
//! a shared lock on `vault.lock`; creating, restoring or re-keying the vault needs it exclusively,
//! so none of them can pull the files out from under the desktop app, the daemon or another
//! command. The OS releases a dead process's lock, so a crash never leaves the folder stuck.
//! std's `File::lock` family (Rust 1.89) is the OS lock itself (`flock` on Unix, `LockFileEx` on
//! Windows); no crate adds anything to it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

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
    /// Takes the lock without waiting. The folder must exist.
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
        let taken = match access {
            Access::Shared => file.try_lock_shared(),
            Access::Exclusive => file.try_lock(),
        };
        match taken {
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
