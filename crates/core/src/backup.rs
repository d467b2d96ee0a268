//! Encrypted backup to one file, and restore from it.
//!
//! A backup (format 2) is a magic line, a length-prefixed JSON header (the key file as it was at
//! backup time, the database's length and schema version), an SQLCipher copy of the database made
//! with `sqlcipher_export`, and a keyed BLAKE2b tag over everything before it. Nothing in it is
//! readable without the passphrase of the day it was made, and any cut, flipped byte or swapped
//! header fails the tag. Format 1 backups (no header fields, no tag) are still read.
//!
//! Restore never touches the live vault until the new one is proven: the backup is authenticated
//! and written to a staging folder, opened with its key, its schema and tables checked and
//! `integrity_check` passed. Only then is it swapped in (see [`swap`]), by renames a journal makes
//! restartable, so a kill at any moment leaves the old or the new vault. The replaced files are
//! kept in a new `before-restore-<time>` folder, never overwriting an earlier one.

mod format;
mod swap;

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

pub use swap::{needs_recovery, recover, restore_pending, BEFORE_RESTORE_PREFIX};

use swap::Replaced;

use crate::secret::{DataKey, Passphrase};
use crate::store::{Store, StoreError};
use crate::vault::{self, KeyFileError, VaultError};
use format::{Header, Tagger};

/// The staging folder inside the data folder, while a restore is checked and swapped in.
pub const STAGING_DIR: &str = ".restore-staging";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} is not a Crypto Balance backup")]
    NotABackup(PathBuf),
    #[error("backup {path} is cut short ({why}); nothing was restored")]
    Truncated { path: PathBuf, why: String },
    #[error("backup {0} was changed or damaged after it was written (its seal does not match); nothing was restored")]
    NotAuthentic(PathBuf),
    #[error(
        "backup {0} was written by a newer version of Crypto Balance; update the app to restore it"
    )]
    TooNew(PathBuf),
    #[error("backup {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("backup {path}: {source}")]
    KeyFile {
        path: PathBuf,
        #[source]
        source: KeyFileError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("the backup at {0} is damaged (integrity check failed); nothing was restored")]
    Damaged(PathBuf),
    #[error("the backup at {0} holds no Crypto Balance data (its database has none of our tables); nothing was restored")]
    Empty(PathBuf),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes an encrypted backup of the open store to `destination` (atomically).
pub async fn create(
    store: &Store,
    data_dir: &Path,
    key: &DataKey,
    destination: &Path,
) -> Result<u64, BackupError> {
    let key_file = vault::read_key_file(data_dir)?;
    let folder = destination
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let export = tempfile::Builder::new()
        .prefix(".crypto-balance-export")
        .tempfile_in(folder)
        .map_err(io(destination))?;
    // SQLCipher writes the copy itself into this empty file: ATTACH may not create files, as
    // the store's connection is opened without the right to create databases.
    let export_path = export.into_temp_path();
    export_database(store, &export_path, key).await?;
    let database_bytes = std::fs::metadata(&export_path)
        .map_err(io(destination))?
        .len();

    let mut out = tempfile::Builder::new()
        .prefix(".crypto-balance-backup")
        .tempfile_in(folder)
        .map_err(io(destination))?;
    {
        let header = Header::new(&key_file, database_bytes);
        let mut tagged = Tagger::new(BufWriter::new(out.as_file_mut()), key);
        format::write_header(&mut tagged, &header).map_err(io(destination))?;
        let mut database = File::open(&export_path).map_err(io(destination))?;
        std::io::copy(&mut database, &mut tagged).map_err(io(destination))?;
        let (mut writer, tag) = tagged.finish();
        writer.write_all(&tag).map_err(io(destination))?;
        writer.flush().map_err(io(destination))?;
    }
    out.as_file().sync_all().map_err(io(destination))?;
    let size = out.as_file().metadata().map_err(io(destination))?.len();
    out.persist(destination)
        .map_err(|e| io(destination)(e.error))?;
    Ok(size)
}

async fn export_database(store: &Store, target: &Path, key: &DataKey) -> Result<(), BackupError> {
    let err = |e| BackupError::Store(store.error(e));
    let mut conn = store.pool().acquire().await.map_err(err)?;
    let literal = format!("x'{}'", hex::encode(key.expose()));
    sqlx::query("ATTACH DATABASE ? AS backup KEY ?")
        .bind(target.to_string_lossy().into_owned())
        .bind(literal)
        .execute(&mut *conn)
        .await
        .map_err(err)?;
    // Load the attached schema first: exporting straight after ATTACH fails with
    // "database schema has changed" on a connection whose statements were prepared earlier.
    let exported = match sqlx::query("SELECT count(*) FROM backup.sqlite_master")
        .execute(&mut *conn)
        .await
    {
        Ok(_) => {
            sqlx::query("SELECT sqlcipher_export('backup')")
                .persistent(false)
                .execute(&mut *conn)
                .await
        }
        Err(e) => Err(e),
    };
    let detached = sqlx::query("DETACH DATABASE backup")
        .execute(&mut *conn)
        .await;
    exported.map_err(err)?;
    detached.map_err(err)?;
    Ok(())
}

/// A backup read, authenticated and checked, in a folder of its own inside the data folder (so
/// the swap is a rename on the same file system), ready to swap in. Dropped, it is removed.
#[derive(Debug)]
pub struct CheckedBackup {
    folder: tempfile::TempDir,
}

/// Reads `backup`, unwraps its key with `passphrase`, authenticates every byte, writes the
/// database and key file to a new folder in the data folder, and checks the database opens with
/// the key, is ours, is not newer than this build and passes `integrity_check`. Nothing live is
/// touched, and a refused backup leaves nothing behind.
pub async fn check(
    backup: &Path,
    passphrase: &Passphrase,
    data_dir: &Path,
) -> Result<CheckedBackup, BackupError> {
    let folder = tempfile::Builder::new()
        .prefix(".restore-check-")
        .tempdir_in(data_dir)
        .map_err(io(backup))?;
    stage(backup, passphrase, folder.path()).await?;
    Ok(CheckedBackup { folder })
}

async fn stage(backup: &Path, passphrase: &Passphrase, staging: &Path) -> Result<(), BackupError> {
    let file = File::open(backup).map_err(io(backup))?;
    let mut reader = BufReader::new(file);
    let opened = format::read_header(&mut reader, backup)?;
    let key_error = |source| BackupError::KeyFile {
        path: backup.to_path_buf(),
        source,
    };
    let key = opened
        .key_file
        .unwrap_key(passphrase, backup)
        .map_err(key_error)?;

    crate::paths::restrict_tree(staging).map_err(io(backup))?;
    let database = staging.join(crate::store::DATABASE_FILE_NAME);
    {
        let mut out = File::create(&database).map_err(io(backup))?;
        format::copy_database(&mut reader, &mut out, &opened, &key, backup)?;
        out.sync_all().map_err(io(backup))?;
    }
    Store::check_copy(&database, &key)
        .await
        .map_err(|e| match e {
            StoreError::Corrupt(_) => BackupError::Damaged(backup.to_path_buf()),
            StoreError::NotOurs(_) => BackupError::Empty(backup.to_path_buf()),
            other => BackupError::Store(other),
        })?;
    remove_sidecars(&database);
    vault::write_key_file(staging, &opened.key_file)?;
    Ok(())
}

/// Swaps a checked backup in for the live vault. The store must be closed and the caller must
/// hold the vault exclusively. Returns the folder that keeps the replaced files.
pub fn replace(data_dir: &Path, checked: CheckedBackup, now: i64) -> Result<PathBuf, BackupError> {
    swap::swap_in_folder(data_dir, checked.folder, now, Replaced::Keep)
}

/// How far a re-encryption is (the `passphrase-progress` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct RekeyProgress {
    pub phase: RekeyPhase,
    /// Bytes of the new copy written so far.
    pub bytes_done: u64,
    /// The database's size: about what the copy will be.
    pub bytes_total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RekeyPhase {
    /// Writing the copy under the new key.
    Copying,
    /// Checking the copy opens and is whole.
    Checking,
    /// Swapping it in for the old files, which are then deleted.
    Swapping,
}

/// How often a long copy reports how far it is.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// Runs `work` (a copy being written to `target`) and reports `target`'s growth every
/// [`PROGRESS_EVERY`] until it is done.
async fn watch_growth<T>(
    target: &Path,
    total: u64,
    report: &(dyn Fn(RekeyProgress) + Send + Sync),
    work: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(work);
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = tick.tick() => {
                let written = std::fs::metadata(target).map_or(0, |m| m.len());
                report(RekeyProgress {
                    phase: RekeyPhase::Copying,
                    bytes_done: written.min(total),
                    bytes_total: total,
                });
            }
        }
    }
}

/// Re-encrypts the whole vault under `new_key`: a copy of the database under the new key and
/// `new_key_file` are written and checked beside the live files, then swapped in like a restore,
/// and the files under the old key are deleted. A kill at any moment leaves either the old vault
/// (old key and passphrase) or the new one. Closes `store`; the caller holds the vault alone.
pub async fn rekey(
    store: &Store,
    data_dir: &Path,
    new_key: &DataKey,
    new_key_file: &vault::KeyFile,
    now: i64,
    report: &(dyn Fn(RekeyProgress) + Send + Sync),
) -> Result<(), BackupError> {
    let folder = tempfile::Builder::new()
        .prefix(".rekey-")
        .tempdir_in(data_dir)
        .map_err(io(data_dir))?;
    let database = folder.path().join(crate::store::DATABASE_FILE_NAME);
    File::create(&database).map_err(io(&database))?;
    let total = std::fs::metadata(store.path()).map_or(0, |m| m.len());
    let progress = |phase, bytes_done| RekeyProgress {
        phase,
        bytes_done,
        bytes_total: total,
    };
    report(progress(RekeyPhase::Copying, 0));
    watch_growth(
        &database,
        total,
        report,
        export_database(store, &database, new_key),
    )
    .await?;
    store.close().await;
    report(progress(RekeyPhase::Checking, total));
    Store::check_copy(&database, new_key).await?;
    remove_sidecars(&database);
    vault::write_key_file(folder.path(), new_key_file)?;
    crate::paths::restrict_tree(folder.path()).map_err(io(data_dir))?;
    report(progress(RekeyPhase::Swapping, total));
    swap::swap_in_folder(data_dir, folder, now, Replaced::Discard)?;
    Ok(())
}

/// WAL and shared-memory files left after a clean close hold nothing; remove them so they can
/// never be paired with a different database file.
fn remove_sidecars(database: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(database, suffix));
    }
}

fn sidecar(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}
