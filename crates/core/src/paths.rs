//! Where the user's data lives. The desktop app and the CLI resolve the same folder: an explicit
//! choice (`--data-dir`, `CRYPTO_BALANCE_DATA_DIR`) wins, otherwise the platform's per-user data
//! folder joined with [`FOLDER_NAME`] (the folder Tauri calls `app_data_dir`). The desktop app's
//! own settings and logs go to the platform's config and log folders ([`AppFolders`]).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::APP_IDENTIFIER;

/// The environment variable both shells read for an explicit data folder.
pub const DATA_DIR_ENV: &str = "CRYPTO_BALANCE_DATA_DIR";

/// The name of the app's folder inside each platform folder: the app identifier, with `.dev` in
/// debug builds so trying a change never touches the data of the installed app.
pub const FOLDER_NAME: &str = if cfg!(debug_assertions) {
    "com.cryptobalance.desktop.dev"
} else {
    APP_IDENTIFIER
};

/// What can be wrong with the data folder or a path named against it.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    /// The platform has no per-user data folder (no home directory) and none was given.
    #[error(
        "cannot find a data folder for this user: pass --data-dir or set CRYPTO_BALANCE_DATA_DIR"
    )]
    NoDataDir,
    /// The data folder could not be created or read, or is not a folder.
    #[error("cannot use data folder {path}: {source}")]
    Unusable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A user-named path that would overwrite the vault's folder or files.
    #[error("{path} is inside the vault's folder {data_dir} or is one of its files: choose a place elsewhere (the vault's own files are never overwritten)")]
    Protected { path: PathBuf, data_dir: PathBuf },
}

/// The data folder: where the vault lives, whether or not it exists yet. Resolving it never
/// creates it, so a command that fails for lack of a vault leaves nothing behind; only creating
/// a vault ([`DataDir::create`]) makes the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// Resolves the data folder (`explicit` first, then the platform default). An existing
    /// folder is made private to its owner again (folder 0700, files 0600), at every start.
    ///
    /// Errors: [`PathError::NoDataDir`] when there is no explicit folder and the platform has none;
    /// [`PathError::Unusable`] when the path is a file or cannot be read.
    pub fn open(explicit: Option<PathBuf>) -> Result<Self, PathError> {
        let path = match explicit {
            Some(path) => path,
            None => default_data_dir().ok_or(PathError::NoDataDir)?,
        };
        let unusable = |source| PathError::Unusable {
            path: path.clone(),
            source,
        };
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => restrict_tree(&path).map_err(unusable)?,
            Ok(_) => {
                return Err(unusable(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "a file is in the way of the folder",
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(unusable(e)),
        }
        Ok(Self(path))
    }

    /// Creates the folder (private to its owner) for a new vault.
    pub fn create(&self) -> Result<(), PathError> {
        let unusable = |source| PathError::Unusable {
            path: self.0.clone(),
            source,
        };
        std::fs::create_dir_all(&self.0).map_err(unusable)?;
        restrict_tree(&self.0).map_err(unusable)
    }

    /// Makes the folder and its files private to the owner again (after SQLite created files
    /// with the process's default modes).
    pub fn restrict(&self) -> Result<(), PathError> {
        restrict_tree(&self.0).map_err(|source| PathError::Unusable {
            path: self.0.clone(),
            source,
        })
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl fmt::Display for DataDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.display().fmt(f)
    }
}

/// Refuses a path that our own write would land in the data folder or on one of its files:
/// `target` is resolved as the OS would (symlinks followed, `..` removed), and on Unix a hard
/// link to any file of the folder is caught by its inode. A path that does not resolve (its
/// folder is missing) is left to the write itself to report.
pub fn check_outside(data_dir: &DataDir, target: &Path) -> Result<(), PathError> {
    let refuse = || PathError::Protected {
        path: target.to_path_buf(),
        data_dir: data_dir.path().to_path_buf(),
    };
    let Ok(folder) = data_dir.path().canonicalize() else {
        return Ok(());
    };
    let resolved = match target.canonicalize() {
        Ok(resolved) => resolved,
        Err(_) => {
            let parent = target
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            match (parent.canonicalize(), target.file_name()) {
                (Ok(parent), Some(name)) => parent.join(name),
                _ => return Ok(()),
            }
        }
    };
    if resolved.starts_with(&folder) {
        return Err(refuse());
    }
    if same_file_as_any(&resolved, &folder) {
        return Err(refuse());
    }
    Ok(())
}

/// Whether `path` is a hard link to a file directly inside `folder`.
#[cfg(unix)]
fn same_file_as_any(path: &Path, folder: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(target) = std::fs::metadata(path) else {
        return false;
    };
    if target.nlink() < 2 {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return false;
    };
    entries.flatten().any(|entry| {
        entry
            .metadata()
            .is_ok_and(|m| m.dev() == target.dev() && m.ino() == target.ino())
    })
}

#[cfg(not(unix))]
fn same_file_as_any(_: &Path, _: &Path) -> bool {
    false
}

/// Makes `folder` readable by its owner only (0700) and every file and folder in it too (0600,
/// 0700), one level of subfolders deep (`logs/`). The files are encrypted, but their names, sizes
/// and the logs are nobody else's business either. Links are left alone; a missing folder is fine.
#[cfg(unix)]
pub fn restrict_tree(folder: &Path) -> std::io::Result<()> {
    restrict(folder, 1)
}

#[cfg(unix)]
fn restrict(folder: &Path, depth: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let set = |path: &Path, mode: u32| -> std::io::Result<()> {
        let current = std::fs::symlink_metadata(path)?.permissions().mode() & 0o777;
        if current != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
        Ok(())
    };
    match std::fs::symlink_metadata(folder) {
        Ok(meta) if meta.is_dir() => set(folder, 0o700)?,
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    for entry in std::fs::read_dir(folder)?.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        // A file may vanish between listing and changing it (a WAL at checkpoint): not an error.
        let result = if kind.is_file() {
            set(&path, 0o600)
        } else if kind.is_dir() && depth > 0 {
            restrict(&path, depth - 1)
        } else {
            Ok(())
        };
        match result {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn restrict_tree(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The platform's per-user data folder for this app, e.g. `~/.local/share/com.cryptobalance.desktop`
/// on Linux, `~/Library/Application Support/…` on macOS, `%APPDATA%\…` on Windows.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join(FOLDER_NAME))
}

/// Where the desktop app keeps its preferences (tray, window size and position) and its logs.
/// Neither holds secrets or holdings. With an explicit data folder both live inside it, so a test
/// or a second profile never shares them with the default one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFolders {
    pub config: PathBuf,
    pub logs: PathBuf,
}

impl AppFolders {
    /// `None` when there is no explicit folder and the platform has no per-user folders.
    pub fn resolve(explicit_data_dir: Option<&Path>) -> Option<Self> {
        match explicit_data_dir {
            Some(dir) => Some(Self {
                config: dir.to_path_buf(),
                logs: dir.join("logs"),
            }),
            None => Some(Self {
                config: dirs::config_dir()?.join(FOLDER_NAME),
                logs: default_log_dir()?,
            }),
        }
    }
}

/// Linux: `$XDG_STATE_HOME` (`~/.local/state/…/logs`), where the XDG spec puts logs.
#[cfg(target_os = "linux")]
fn default_log_dir() -> Option<PathBuf> {
    let base = dirs::state_dir().or_else(dirs::data_local_dir)?;
    Some(base.join(FOLDER_NAME).join("logs"))
}

/// macOS: `~/Library/Logs/…`, where Console.app looks.
#[cfg(target_os = "macos")]
fn default_log_dir() -> Option<PathBuf> {
    Some(
        dirs::home_dir()?
            .join("Library")
            .join("Logs")
            .join(FOLDER_NAME),
    )
}

/// Windows and others: `%LOCALAPPDATA%\…\logs` (logs are per machine, never roamed).
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn default_log_dir() -> Option<PathBuf> {
    Some(dirs::data_local_dir()?.join(FOLDER_NAME).join("logs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_created_folder_is_private_to_its_owner() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let temp = tempfile::tempdir()?;
        let wanted = temp.path().join("fresh");
        DataDir::open(Some(wanted.clone()))?.create()?;
        assert_eq!(
            std::fs::metadata(&wanted)?.permissions().mode() & 0o777,
            0o700
        );
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn every_start_makes_the_folder_and_its_files_private_again(
    ) -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let temp = tempfile::tempdir()?;
        let folder = temp.path().join("data");
        let database = folder.join("crypto-balance.db");
        let log = folder.join("logs").join("today.log");
        std::fs::create_dir_all(folder.join("logs"))?;
        std::fs::write(&database, b"x")?;
        std::fs::write(&log, b"x")?;
        for path in [&database, &log] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))?;
        }
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755))?;
        DataDir::open(Some(folder.clone()))?;
        let mode = |path: &Path| std::fs::metadata(path).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode(&folder)?, 0o700);
        assert_eq!(mode(&folder.join("logs"))?, 0o700);
        assert_eq!(mode(&database)?, 0o600);
        assert_eq!(mode(&log)?, 0o600);
        Ok(())
    }

    #[test]
    fn resolving_a_folder_creates_nothing_until_a_vault_is_made(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let temp = tempfile::tempdir()?;
        let wanted = temp.path().join("nested").join("data");
        let dir = DataDir::open(Some(wanted.clone()))?;
        assert_eq!(dir.path(), wanted);
        assert!(!wanted.exists());
        dir.create()?;
        assert!(wanted.is_dir());
        Ok(())
    }

    #[test]
    fn exports_into_the_vault_folder_are_refused() -> Result<(), Box<dyn std::error::Error>> {
        let temp = tempfile::tempdir()?;
        let dir = DataDir::open(Some(temp.path().join("data")))?;
        dir.create()?;
        let key = dir.path().join("crypto-balance.key");
        std::fs::write(&key, b"key")?;
        let dotted = temp.path().join("data").join("..").join("data");
        for refused in [
            key.clone(),
            dir.path().to_path_buf(),
            dir.path().join("new-file.csv"),
            dotted.join("crypto-balance.key"),
        ] {
            let error = check_outside(&dir, &refused).err();
            assert!(
                matches!(error, Some(PathError::Protected { .. })),
                "{}",
                refused.display()
            );
        }
        assert!(check_outside(&dir, &temp.path().join("export.csv")).is_ok());
        #[cfg(unix)]
        {
            let link = temp.path().join("innocent.csv");
            std::os::unix::fs::symlink(&key, &link)?;
            assert!(
                check_outside(&dir, &link).is_err(),
                "a symlink to the key file"
            );
            let hard = temp.path().join("hard.csv");
            std::fs::hard_link(&key, &hard)?;
            assert!(
                check_outside(&dir, &hard).is_err(),
                "a hard link to the key file"
            );
        }
        Ok(())
    }

    #[test]
    fn a_file_in_the_way_is_a_clear_error() -> Result<(), Box<dyn std::error::Error>> {
        let temp = tempfile::tempdir()?;
        let file = temp.path().join("taken");
        std::fs::write(&file, b"not a folder")?;
        let error = DataDir::open(Some(file.clone()))
            .err()
            .ok_or("expected an error")?;
        assert!(matches!(error, PathError::Unusable { .. }));
        assert!(error.to_string().contains(&file.display().to_string()));
        Ok(())
    }

    #[test]
    fn default_folder_is_named_after_the_identifier() {
        if let Some(dir) = default_data_dir() {
            assert!(dir.ends_with(FOLDER_NAME));
        }
    }

    #[cfg(debug_assertions)]
    #[test]
    fn debug_builds_keep_their_own_folder() {
        // Tests are debug builds: they must never resolve the installed app's folders.
        assert_eq!(FOLDER_NAME, format!("{APP_IDENTIFIER}.dev"));
    }

    #[test]
    fn an_explicit_data_folder_holds_settings_and_logs_too() {
        let folders = AppFolders::resolve(Some(Path::new("/profile")));
        assert_eq!(
            folders,
            Some(AppFolders {
                config: PathBuf::from("/profile"),
                logs: PathBuf::from("/profile/logs"),
            })
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn default_settings_and_logs_follow_the_platform_folders() {
        let Some(folders) = AppFolders::resolve(None) else {
            return;
        };
        assert!(folders.config.ends_with(FOLDER_NAME));
        assert!(folders.logs.ends_with(Path::new(FOLDER_NAME).join("logs")));
        assert_ne!(Some(folders.config), default_data_dir());
    }
}
