//! The vault: creating and unlocking the data key.
//!
//! A random 256-bit data key encrypts the database. It lives in two places: the OS keychain for
//! silent unlock, and the key file wrapped by the recovery passphrase, so a lost keychain entry
//! never loses the data. Never a fallback key: without the keychain entry or the passphrase,
//! unlocking fails.

pub mod key_file;
pub mod keychain;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use crate::locks::{Access, VaultLock, VaultLockError, VAULT_LOCK_FILE_NAME};
pub use key_file::{KdfParams, KeyFile, KeyFileError};
pub use keychain::{Keychain, KeychainError, MemoryKeychain, NoKeychain, SystemKeychain};

use crate::secret::{random_id, DataKey, Passphrase, MIN_PASSPHRASE_CHARS};

/// File name of the key file inside the data folder.
pub const KEY_FILE_NAME: &str = "crypto-balance.key";

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "no vault in {0} yet: run `crypto-balance init` or start the desktop app to create one"
    )]
    NotCreated(PathBuf),
    #[error(
        "the database exists but its key file {0} is missing: restore the key file or a backup"
    )]
    KeyFileMissing(PathBuf),
    #[error("the vault's database {0} is missing although its key file is there: put the database back, or restore a backup with `crypto-balance restore FILE` (or Settings → Restore in the app)")]
    DatabaseMissing(PathBuf),
    #[error("a vault already exists in {0}")]
    AlreadyExists(PathBuf),
    #[error("the recovery passphrase is needed to unlock (keychain: {0}); pass --passphrase-file or set CRYPTO_BALANCE_PASSPHRASE")]
    PassphraseNeeded(String),
    #[error("the passphrase is too short: use at least {MIN_PASSPHRASE_CHARS} characters")]
    PassphraseTooShort,
    #[error(transparent)]
    KeyFile(#[from] KeyFileError),
    #[error("cannot read or write key file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// How the vault was unlocked, for the one-time notice when the keychain is not reachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnlockedBy {
    Keychain,
    /// The passphrase; `keychain_problem` says why the keychain did not answer, if it was asked.
    Passphrase {
        keychain_problem: Option<String>,
    },
}

/// An unlocked vault: the key file and the data key.
#[derive(Debug)]
pub struct Unlocked {
    pub key: DataKey,
    pub key_file: KeyFile,
    pub by: UnlockedBy,
}

pub fn key_file_path(dir: &Path) -> PathBuf {
    dir.join(KEY_FILE_NAME)
}

pub fn exists(dir: &Path) -> bool {
    key_file_path(dir).exists()
}

/// Creates the vault: a fresh data key wrapped by `passphrase` in the key file, and copied to the
/// keychain when `use_keychain`. A keychain failure is reported in the result, not fatal: the
/// vault then unlocks with the passphrase alone.
pub fn create(
    dir: &Path,
    passphrase: &Passphrase,
    keychain: &dyn Keychain,
    params: KdfParams,
    use_keychain: bool,
) -> Result<Unlocked, VaultError> {
    if exists(dir) {
        return Err(VaultError::AlreadyExists(dir.to_path_buf()));
    }
    check_strength(passphrase)?;
    let key = DataKey::generate();
    let key_id = random_id();
    // Where the keychain cannot hold the key, the vault works with the passphrase alone, and the
    // key file records that so later starts do not wait on the keychain again.
    let keychain_problem = if use_keychain {
        keychain.store(&key_id, &key).err().map(|e| e.to_string())
    } else {
        None
    };
    let use_keychain = use_keychain && keychain_problem.is_none();
    let key_file = KeyFile::wrap(&key, passphrase, params, key_id, use_keychain)?;
    write_key_file(dir, &key_file)?;
    Ok(Unlocked {
        key,
        key_file,
        by: UnlockedBy::Passphrase { keychain_problem },
    })
}

/// Unlocks silently from the keychain when allowed, else with `passphrase`. After a passphrase
/// unlock the keychain entry is restored, so the next start is silent again.
pub fn unlock(
    dir: &Path,
    keychain: &dyn Keychain,
    passphrase: Option<&Passphrase>,
) -> Result<Unlocked, VaultError> {
    let key_file = read_key_file(dir)?;
    let mut keychain_problem = None;
    if key_file.use_keychain {
        match keychain.load(&key_file.key_id) {
            Ok(Some(key)) => {
                return Ok(Unlocked {
                    key,
                    key_file,
                    by: UnlockedBy::Keychain,
                })
            }
            Ok(None) => keychain_problem = Some("no entry for this vault".to_owned()),
            Err(e) => keychain_problem = Some(e.to_string()),
        }
    }
    let Some(passphrase) = passphrase else {
        let why = keychain_problem.unwrap_or_else(|| "app lock is on".to_owned());
        return Err(VaultError::PassphraseNeeded(why));
    };
    let key = key_file.unwrap_key(passphrase, &key_file_path(dir))?;
    if key_file.use_keychain {
        // Put the entry back so the next start is silent; only a failure to do so is news.
        keychain_problem = keychain
            .store(&key_file.key_id, &key)
            .err()
            .map(|e| e.to_string());
    }
    Ok(Unlocked {
        key,
        key_file,
        by: UnlockedBy::Passphrase { keychain_problem },
    })
}

/// Unlocks with `passphrase` alone, never asking or changing the keychain: after "Lock now" the
/// keychain must not open the vault again until the app restarts.
pub fn unlock_by_passphrase(dir: &Path, passphrase: &Passphrase) -> Result<Unlocked, VaultError> {
    let key_file = read_key_file(dir)?;
    let key = key_file.unwrap_key(passphrase, &key_file_path(dir))?;
    Ok(Unlocked {
        key,
        key_file,
        by: UnlockedBy::Passphrase {
            keychain_problem: None,
        },
    })
}

/// Turns the app lock on (key removed from the keychain: the passphrase is asked at every start)
/// or off (key stored in the keychain again). Needs the passphrase either way.
pub fn set_app_lock(
    dir: &Path,
    passphrase: &Passphrase,
    keychain: &dyn Keychain,
    locked: bool,
) -> Result<(), VaultError> {
    let key_file = read_key_file(dir)?;
    let key = key_file.unwrap_key(passphrase, &key_file_path(dir))?;
    // `use_keychain` is sealed with the key, so changing it means wrapping the key again.
    let key_file = KeyFile::wrap(
        &key,
        passphrase,
        key_file.kdf_params(),
        key_file.key_id.clone(),
        !locked,
    )?;
    write_key_file(dir, &key_file)?;
    let result = if locked {
        keychain.delete(&key_file.key_id)
    } else {
        keychain.store(&key_file.key_id, &key)
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, locked, "keychain not updated for the app lock");
    }
    Ok(())
}

pub(crate) fn check_strength(passphrase: &Passphrase) -> Result<(), VaultError> {
    if passphrase.char_count() < MIN_PASSPHRASE_CHARS {
        return Err(VaultError::PassphraseTooShort);
    }
    Ok(())
}

pub fn read_key_file(dir: &Path) -> Result<KeyFile, VaultError> {
    let path = key_file_path(dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(VaultError::NotCreated(dir.to_path_buf()))
        }
        Err(source) => return Err(VaultError::Io { path, source }),
    };
    Ok(KeyFile::parse(&text, &path)?)
}

/// Writes the key file atomically: a temp file in the same folder, synced, then renamed over.
pub(crate) fn write_key_file(dir: &Path, key_file: &KeyFile) -> Result<(), VaultError> {
    let path = key_file_path(dir);
    let io = |source| VaultError::Io {
        path: path.clone(),
        source,
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    temp.write_all(key_file.to_json().as_bytes()).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(&path).map_err(|e| io(e.error))?;
    if let Ok(folder) = std::fs::File::open(dir) {
        // Make the rename itself durable; not all platforms allow syncing a folder.
        let _ = folder.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(text: &str) -> Passphrase {
        Passphrase::new(text.into())
    }

    fn fast() -> KdfParams {
        KdfParams::insecure_for_tests()
    }

    /// A vault made with the tests' passphrase, its key kept in `keychain`.
    fn created(dir: &Path, keychain: &dyn Keychain) -> Unlocked {
        create(dir, &pass("a long passphrase"), keychain, fast(), true).expect("creates")
    }

    #[test]
    fn unlocks_silently_from_the_keychain_after_create() {
        let dir = tempfile::tempdir().expect("temp dir");
        let keychain = MemoryKeychain::default();
        let created = created(dir.path(), &keychain);
        let unlocked = unlock(dir.path(), &keychain, None).expect("unlocks");
        assert_eq!(unlocked.by, UnlockedBy::Keychain);
        assert_eq!(unlocked.key.expose(), created.key.expose());
    }

    #[test]
    fn a_lost_keychain_entry_is_recovered_with_the_passphrase() {
        let dir = tempfile::tempdir().expect("temp dir");
        let keychain = MemoryKeychain::default();
        let created = created(dir.path(), &keychain);
        keychain.delete(&created.key_file.key_id).expect("deletes");
        assert!(matches!(
            unlock(dir.path(), &keychain, None),
            Err(VaultError::PassphraseNeeded(_))
        ));
        let unlocked =
            unlock(dir.path(), &keychain, Some(&pass("a long passphrase"))).expect("unlocks");
        assert_eq!(unlocked.key.expose(), created.key.expose());
        assert_eq!(
            unlocked.by,
            UnlockedBy::Passphrase {
                keychain_problem: None
            },
            "the entry was restored, so there is nothing to warn about"
        );
        // The entry is back: the next start is silent again.
        assert_eq!(
            unlock(dir.path(), &keychain, None).expect("unlocks").by,
            UnlockedBy::Keychain
        );
    }

    #[test]
    fn wrong_and_short_passphrases_are_refused_and_change_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(matches!(
            create(dir.path(), &pass("short"), &NoKeychain, fast(), true),
            Err(VaultError::PassphraseTooShort)
        ));
        assert!(!exists(dir.path()));
        created(dir.path(), &NoKeychain);
        let before = std::fs::read(key_file_path(dir.path())).expect("reads");
        assert!(matches!(
            unlock(dir.path(), &NoKeychain, Some(&pass("not the passphrase"))),
            Err(VaultError::KeyFile(KeyFileError::WrongPassphrase))
        ));
        assert_eq!(
            std::fs::read(key_file_path(dir.path())).expect("reads"),
            before
        );
    }

    #[test]
    fn app_lock_removes_the_key_from_the_keychain() {
        let dir = tempfile::tempdir().expect("temp dir");
        let keychain = MemoryKeychain::default();
        created(dir.path(), &keychain);
        set_app_lock(dir.path(), &pass("a long passphrase"), &keychain, true).expect("locks");
        assert!(matches!(
            unlock(dir.path(), &keychain, None),
            Err(VaultError::PassphraseNeeded(_))
        ));
        let unlocked =
            unlock(dir.path(), &keychain, Some(&pass("a long passphrase"))).expect("unlocks");
        assert!(matches!(unlocked.by, UnlockedBy::Passphrase { .. }));
        // Still locked: a passphrase unlock does not put the key back.
        assert!(unlock(dir.path(), &keychain, None).is_err());
        set_app_lock(dir.path(), &pass("a long passphrase"), &keychain, false).expect("unlocks");
        assert_eq!(
            unlock(dir.path(), &keychain, None).expect("unlocks").by,
            UnlockedBy::Keychain
        );
    }

    #[test]
    fn a_missing_vault_says_how_to_create_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let error = unlock(dir.path(), &NoKeychain, None).expect_err("no vault");
        assert!(error.to_string().contains("crypto-balance init"));
    }
}
