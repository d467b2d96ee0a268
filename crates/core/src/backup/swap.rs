//! Swapping a staged backup in for the live vault, so that a kill at any moment leaves the old or
//! the new vault. Every step is one `rename` (atomic on one file system), and the steps are
//! written down first in a journal, so a restart can finish them:
//!
//! 1. the staged database and key file are complete and synced in `.restore-staging/`;
//! 2. the journal `restore.journal` names the folder that will keep the replaced files
//!    (`before-restore-<UTC time>`, never one that exists);
//! 3. each live file whose replacement is still staged moves into that folder (the database's
//!    WAL and shared-memory files with it);
//! 4. each staged file moves into place, the database first;
//! 5. the journal and the staging folder go.
//!
//! Without a journal, staged files are an unfinished check and are removed. With one, steps 3-5
//! are repeated: each is done only where its file is still where it was, so repeating is safe.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{io, sidecar, BackupError, STAGING_DIR};
use crate::store::DATABASE_FILE_NAME;
use crate::vault::KEY_FILE_NAME;

/// The journal's name inside the data folder.
const JOURNAL: &str = "restore.journal";
/// The folders that keep what a restore replaced start with this.
pub const BEFORE_RESTORE_PREFIX: &str = "before-restore-";
/// The folder holding what a re-key replaced, removed once the swap is done: those files are
/// today's data under the old key, which old key files and the old passphrase would open.
const BEFORE_REKEY_PREFIX: &str = "before-rekey-";

/// What becomes of the files a swap replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaced {
    /// Kept in a `before-restore-<time>` folder (a restore).
    Keep,
    /// Deleted once the new files are in place (a re-key).
    Discard,
}

/// Folders a check or re-key writes before the journal exists; a kill leaves them behind.
const WORK_PREFIXES: [&str; 3] = [".restore-check-", ".rekey-", STAGING_DIR];

/// Whether a restore was interrupted and must be finished before the vault is opened.
pub fn restore_pending(data_dir: &Path) -> bool {
    data_dir.join(JOURNAL).exists()
}

/// Whether anything of an interrupted restore or re-key is left: the journal, or work folders.
pub fn needs_recovery(data_dir: &Path) -> bool {
    restore_pending(data_dir) || !work_folders(data_dir).is_empty()
}

fn work_folders(data_dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(data_dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    WORK_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// Removes work folders no journal speaks of (a kill before the swap began). They may hold a
/// copy of the data, so they are not left lying around.
fn remove_work_folders(data_dir: &Path) -> Result<(), BackupError> {
    for folder in work_folders(data_dir) {
        std::fs::remove_dir_all(&folder).map_err(io(&folder))?;
    }
    Ok(())
}

/// Swaps in the database and key file written to `folder` (a checked backup, a re-keyed copy):
/// finishes whatever an interrupted swap left, makes `folder` the one staging folder the journal
/// speaks of (step 1), then swaps (steps 2-5). The caller holds the vault exclusively.
pub fn swap_in_folder(
    data_dir: &Path,
    folder: tempfile::TempDir,
    now: i64,
    replaced: Replaced,
) -> Result<PathBuf, BackupError> {
    finish_pending(data_dir)?;
    let staging = data_dir.join(STAGING_DIR);
    std::fs::rename(folder.keep(), &staging).map_err(io(&staging))?;
    swap_in(data_dir, now, replaced)
}

/// Swaps the staged vault in (steps 2-5). Returns the folder keeping the replaced files.
pub fn swap_in(data_dir: &Path, now: i64, replaced: Replaced) -> Result<PathBuf, BackupError> {
    let prefix = match replaced {
        Replaced::Keep => BEFORE_RESTORE_PREFIX,
        Replaced::Discard => BEFORE_REKEY_PREFIX,
    };
    let kept = unused_folder(data_dir, prefix, now);
    let name = kept
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    write_journal(data_dir, &name)?;
    finish(data_dir, &name)?;
    Ok(kept)
}

/// Finishes an interrupted restore, or clears an interrupted check. Call with the vault held
/// exclusively, before opening it. Returns the folder keeping the replaced files, if a restore
/// was finished.
pub fn recover(data_dir: &Path) -> Result<Option<PathBuf>, BackupError> {
    let kept = finish_pending(data_dir)?;
    remove_work_folders(data_dir)?;
    Ok(kept)
}

/// Finishes a swap the journal speaks of; without a journal, removes a stale staging folder.
/// Other work folders are left alone: the caller may be about to swap one in.
pub fn finish_pending(data_dir: &Path) -> Result<Option<PathBuf>, BackupError> {
    let journal = data_dir.join(JOURNAL);
    let name = match std::fs::read_to_string(&journal) {
        Ok(name) => name.trim().to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let staging = data_dir.join(STAGING_DIR);
            if staging.exists() {
                std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
            }
            return Ok(None);
        }
        Err(e) => return Err(io(&journal)(e)),
    };
    // Only a name this module wrote is followed: never a path out of the folder.
    let ours = name.starts_with(BEFORE_RESTORE_PREFIX) || name.starts_with(BEFORE_REKEY_PREFIX);
    if !ours || name.contains(['/', '\\']) || name.contains("..") {
        return Err(BackupError::Io {
            path: journal,
            source: std::io::Error::other("the restore journal is damaged"),
        });
    }
    tracing::warn!(kept = %name, "finishing a restore that was interrupted");
    finish(data_dir, &name)?;
    Ok(Some(data_dir.join(name)))
}

fn finish(data_dir: &Path, kept_name: &str) -> Result<(), BackupError> {
    let staging = data_dir.join(STAGING_DIR);
    let kept = data_dir.join(kept_name);
    std::fs::create_dir_all(&kept).map_err(io(&kept))?;
    let database = data_dir.join(DATABASE_FILE_NAME);
    let key = data_dir.join(KEY_FILE_NAME);
    let staged_database = staging.join(DATABASE_FILE_NAME);
    let staged_key = staging.join(KEY_FILE_NAME);
    // Step 3: the old files out, each only while its replacement still waits.
    if staged_database.exists() {
        for suffix in ["-wal", "-shm"] {
            move_if_there(&sidecar(&database, suffix), &kept)?;
        }
        move_if_there(&database, &kept)?;
    }
    if staged_key.exists() {
        move_if_there(&key, &kept)?;
    }
    sync_folder(&kept);
    sync_folder(data_dir);
    // Step 4: the new files in, the database first.
    for (staged, live) in [(&staged_database, &database), (&staged_key, &key)] {
        if staged.exists() {
            std::fs::rename(staged, live).map_err(io(live))?;
        }
    }
    sync_folder(data_dir);
    // Step 5. The old-key copy of a re-key goes before the journal, so a kill meanwhile still
    // leads the next start here to finish removing it.
    if kept_name.starts_with(BEFORE_REKEY_PREFIX) {
        std::fs::remove_dir_all(&kept).map_err(io(&kept))?;
    }
    remove_if_there(&data_dir.join(JOURNAL))?;
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    // An empty keeping folder (a first restore into an empty folder) says nothing.
    let _ = std::fs::remove_dir(&kept);
    sync_folder(data_dir);
    Ok(())
}

/// Moves `live` into `kept` under its own name (the database's sidecars keep the names SQLite
/// pairs with the database).
fn move_if_there(live: &Path, kept: &Path) -> Result<(), BackupError> {
    let Some(name) = live.file_name() else {
        return Ok(());
    };
    match std::fs::rename(live, kept.join(name)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(live)(e)),
    }
}

fn remove_if_there(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(path)(e)),
    }
}

/// `<prefix><UTC time>`, with `-2`, `-3`, … when that exists already.
fn unused_folder(data_dir: &Path, prefix: &str, now: i64) -> PathBuf {
    let stamp = crate::clock::iso8601(now).replace([':', '-'], "");
    let base = format!("{prefix}{stamp}");
    let mut candidate = data_dir.join(&base);
    let mut n = 2;
    while candidate.exists() {
        candidate = data_dir.join(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

fn write_journal(data_dir: &Path, kept_name: &str) -> Result<(), BackupError> {
    let path = data_dir.join(JOURNAL);
    let mut temp = tempfile::NamedTempFile::new_in(data_dir).map_err(io(&path))?;
    temp.write_all(kept_name.as_bytes()).map_err(io(&path))?;
    temp.as_file().sync_all().map_err(io(&path))?;
    temp.persist(&path).map_err(|e| io(&path)(e.error))?;
    sync_folder(data_dir);
    Ok(())
}

/// Makes renames in `folder` durable; not every platform can sync a folder, which is fine.
fn sync_folder(folder: &Path) {
    if let Ok(handle) = std::fs::File::open(folder) {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// A live vault ("old") and a staged one ("new").
    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        write(&dir.path().join(DATABASE_FILE_NAME), "old db");
        write(&dir.path().join("crypto-balance.db-wal"), "old wal");
        write(&dir.path().join(KEY_FILE_NAME), "old key");
        write(
            &dir.path().join(STAGING_DIR).join(DATABASE_FILE_NAME),
            "new db",
        );
        write(&dir.path().join(STAGING_DIR).join(KEY_FILE_NAME), "new key");
        dir
    }

    #[test]
    fn a_swap_keeps_the_old_files_and_never_overwrites_an_earlier_keep() {
        let dir = folder();
        let first =
            swap_in(dir.path(), 1_700_000_000, Replaced::Keep).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read(&dir.path().join(DATABASE_FILE_NAME)), "new db");
        assert_eq!(read(&dir.path().join(KEY_FILE_NAME)), "new key");
        assert_eq!(read(&first.join(DATABASE_FILE_NAME)), "old db");
        assert_eq!(read(&first.join("crypto-balance.db-wal")), "old wal");
        assert_eq!(read(&first.join(KEY_FILE_NAME)), "old key");
        assert!(!dir.path().join(STAGING_DIR).exists());
        assert!(!restore_pending(dir.path()));

        write(
            &dir.path().join(STAGING_DIR).join(DATABASE_FILE_NAME),
            "newer db",
        );
        write(
            &dir.path().join(STAGING_DIR).join(KEY_FILE_NAME),
            "newer key",
        );
        let second =
            swap_in(dir.path(), 1_700_000_000, Replaced::Keep).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(first, second);
        assert_eq!(read(&first.join(DATABASE_FILE_NAME)), "old db");
        assert_eq!(read(&second.join(DATABASE_FILE_NAME)), "new db");
    }

    /// Every state a kill can leave between the renames is finished by `recover`.
    #[test]
    fn recovery_finishes_from_every_step() {
        const KEPT: &str = "before-restore-test";
        let moves: [(&str, &str); 5] = [
            (
                "crypto-balance.db-wal",
                "before-restore-test/crypto-balance.db-wal",
            ),
            (DATABASE_FILE_NAME, "before-restore-test/crypto-balance.db"),
            (KEY_FILE_NAME, "before-restore-test/crypto-balance.key"),
            (".restore-staging/crypto-balance.db", DATABASE_FILE_NAME),
            (".restore-staging/crypto-balance.key", KEY_FILE_NAME),
        ];
        for done in 0..=moves.len() {
            let dir = folder();
            let kept = dir.path().join(KEPT);
            std::fs::create_dir_all(&kept).unwrap_or_else(|e| panic!("{e}"));
            write(&dir.path().join(JOURNAL), KEPT);
            for (from, to) in &moves[..done] {
                std::fs::rename(dir.path().join(from), dir.path().join(to))
                    .unwrap_or_else(|e| panic!("{from}: {e}"));
            }
            recover(dir.path()).unwrap_or_else(|e| panic!("after {done} steps: {e}"));
            assert_eq!(
                read(&dir.path().join(DATABASE_FILE_NAME)),
                "new db",
                "after {done}"
            );
            assert_eq!(
                read(&dir.path().join(KEY_FILE_NAME)),
                "new key",
                "after {done}"
            );
            assert_eq!(
                read(&kept.join(DATABASE_FILE_NAME)),
                "old db",
                "after {done}"
            );
            assert_eq!(read(&kept.join(KEY_FILE_NAME)), "old key", "after {done}");
            assert!(!restore_pending(dir.path()));
            assert!(!dir.path().join(STAGING_DIR).exists());
        }
    }

    #[test]
    fn a_rekey_swap_leaves_no_copy_under_the_old_key() {
        let dir = folder();
        let kept =
            swap_in(dir.path(), 1_700_000_000, Replaced::Discard).unwrap_or_else(|e| panic!("{e}"));
        assert!(!kept.exists());
        assert_eq!(read(&dir.path().join(DATABASE_FILE_NAME)), "new db");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with("before-")), "{names:?}");
    }

    #[test]
    fn without_a_journal_staged_files_are_an_unfinished_check() {
        let dir = folder();
        assert_eq!(recover(dir.path()).ok().flatten(), None);
        assert_eq!(read(&dir.path().join(DATABASE_FILE_NAME)), "old db");
        assert!(!dir.path().join(STAGING_DIR).exists());
    }

    #[test]
    fn a_journal_pointing_elsewhere_is_refused() {
        let dir = folder();
        write(&dir.path().join(JOURNAL), "../../etc");
        assert!(recover(dir.path()).is_err());
        assert_eq!(read(&dir.path().join(DATABASE_FILE_NAME)), "old db");
    }
}
