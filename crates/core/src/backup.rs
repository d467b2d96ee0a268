//! Encrypted backup to one file, and restore from it.
//!
//! A backup is a short header, the key file (the data key wrapped by the recovery passphrase at
//! backup time), and an SQLCipher copy of the database made with `sqlcipher_export`. Nothing in it
//! is readable without that passphrase. Restoring checks the whole backup before touching the
//! live data, and keeps the replaced files beside it as `*.before-restore`.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::secret::{DataKey, Passphrase};
use crate::store::{Store, StoreError, DATABASE_FILE_NAME};
use crate::vault::{self, KeyFile, KeyFileError, VaultError};

const MAGIC: &[u8] = b"CRYPTO-BALANCE-BACKUP/1\n";
/// A key file is a few hundred bytes; anything far larger is not one of our backups.
const MAX_KEY_FILE_LEN: u32 = 64 * 1024;
/// Suffix of the files a restore replaces, kept so a restore can be undone by hand.
pub const BEFORE_RESTORE_SUFFIX: &str = "before-restore";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} is not a Crypto Balance backup")]
    NotABackup(PathBuf),
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
    // SQLCipher writes the copy itself; ATTACH wants a file that is empty or absent.
    let export_path = export.into_temp_path();
    std::fs::remove_file(&export_path).map_err(io(destination))?;
    export_database(store, &export_path, key).await?;

    let mut out = tempfile::Builder::new()
        .prefix(".crypto-balance-backup")
        .tempfile_in(folder)
        .map_err(io(destination))?;
    {
        let mut writer = BufWriter::new(out.as_file_mut());
        let json = key_file.to_json();
        let len = u32::try_from(json.len()).unwrap_or(u32::MAX);
        writer.write_all(MAGIC).map_err(io(destination))?;
        writer
            .write_all(&len.to_le_bytes())
            .map_err(io(destination))?;
        writer.write_all(json.as_bytes()).map_err(io(destination))?;
        let mut database = File::open(&export_path).map_err(io(destination))?;
        std::io::copy(&mut database, &mut writer).map_err(io(destination))?;
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

/// A backup read and checked, ready to replace the live data.
#[derive(Debug)]
pub struct CheckedBackup {
    key_file: KeyFile,
    database: tempfile::TempPath,
}

/// Reads `backup`, unwraps its key with `passphrase`, and checks the database opens with it and
/// passes `PRAGMA integrity_check`. Nothing live is touched.
pub async fn check(
    backup: &Path,
    passphrase: &Passphrase,
    data_dir: &Path,
) -> Result<CheckedBackup, BackupError> {
    let file = File::open(backup).map_err(io(backup))?;
    let mut reader = BufReader::new(file);
    let mut magic = vec![0u8; MAGIC.len()];
    let mut len = [0u8; 4];
    if reader.read_exact(&mut magic).is_err()
        || magic != MAGIC
        || reader.read_exact(&mut len).is_err()
    {
        return Err(BackupError::NotABackup(backup.to_path_buf()));
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_KEY_FILE_LEN {
        return Err(BackupError::NotABackup(backup.to_path_buf()));
    }
    let mut json = vec![0u8; len as usize];
    reader
        .read_exact(&mut json)
        .map_err(|_| BackupError::NotABackup(backup.to_path_buf()))?;
    let json =
        String::from_utf8(json).map_err(|_| BackupError::NotABackup(backup.to_path_buf()))?;
    let key_error = |source| BackupError::KeyFile {
        path: backup.to_path_buf(),
        source,
    };
    let key_file = KeyFile::parse(&json, backup).map_err(key_error)?;
    let key = key_file.unwrap_key(passphrase, backup).map_err(key_error)?;

    let mut staged = tempfile::Builder::new()
        .prefix(".crypto-balance-restore")
        .tempfile_in(data_dir)
        .map_err(io(backup))?;
    std::io::copy(&mut reader, staged.as_file_mut()).map_err(io(backup))?;
    staged.as_file().sync_all().map_err(io(backup))?;
    let database = staged.into_temp_path();
    let store = Store::open(&database, &key).await?;
    let ok = store.integrity_ok().await?;
    store.close().await;
    remove_sidecars(&database);
    if !ok {
        return Err(BackupError::Damaged(backup.to_path_buf()));
    }
    Ok(CheckedBackup { key_file, database })
}

/// Replaces the live database and key file with a checked backup. The store must be closed.
/// The replaced files stay beside the new ones as `*.before-restore`.
pub fn replace(data_dir: &Path, checked: CheckedBackup) -> Result<(), BackupError> {
    let database = data_dir.join(DATABASE_FILE_NAME);
    let key_path = vault::key_file_path(data_dir);
    // Keep the replaced database together with any WAL it still has, under names SQLite pairs.
    let kept_database = with_suffix(&database, BEFORE_RESTORE_SUFFIX);
    for (live, kept) in [
        (database.clone(), kept_database.clone()),
        (sidecar(&database, "-wal"), sidecar(&kept_database, "-wal")),
        (sidecar(&database, "-shm"), sidecar(&kept_database, "-shm")),
        (
            key_path.clone(),
            with_suffix(&key_path, BEFORE_RESTORE_SUFFIX),
        ),
    ] {
        if live.exists() {
            std::fs::rename(&live, &kept).map_err(io(&live))?;
        }
    }
    checked
        .database
        .persist(&database)
        .map_err(|e| io(&database)(e.error))?;
    vault::write_key_file(data_dir, &checked.key_file)?;
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
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
