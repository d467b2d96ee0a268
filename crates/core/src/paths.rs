//! Where the user's data lives. The desktop app and the CLI resolve the same folder: an explicit
//! choice (`--data-dir`, `CRYPTO_BALANCE_DATA_DIR`) wins, otherwise the platform's per-user data
//! folder joined with [`FOLDER_NAME`] (the folder Tauri calls `app_data_dir`). The desktop app's
//! own settings and logs go to the platform's config and log folders ([`AppFolders`]).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{Error, APP_IDENTIFIER};

/// The environment variable both shells read for an explicit data folder.
pub const DATA_DIR_ENV: &str = "CRYPTO_BALANCE_DATA_DIR";

/// The name of the app's folder inside each platform folder: the app identifier, with `.dev` in
/// debug builds so trying a change never touches the data of the installed app.
pub const FOLDER_NAME: &str = if cfg!(debug_assertions) {
    "com.cryptobalance.desktop.dev"
} else {
    APP_IDENTIFIER
};

/// A data folder that exists and is a directory. The only constructor creates it, so holders of a
/// `DataDir` never re-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// Resolves the data folder (`explicit` first, then the platform default) and creates it.
    ///
    /// Errors: [`Error::NoDataDir`] when there is no explicit folder and the platform has none;
    /// [`Error::DataDirUnusable`] when the folder cannot be created or is a file.
    pub fn open(explicit: Option<PathBuf>) -> Result<Self, Error> {
        let path = match explicit {
            Some(path) => path,
            None => default_data_dir().ok_or(Error::NoDataDir)?,
        };
        let existed = path.exists();
        std::fs::create_dir_all(&path).map_err(|source| Error::DataDirUnusable {
            path: path.clone(),
            source,
        })?;
        if !existed {
            restrict_to_owner(&path).map_err(|source| Error::DataDirUnusable {
                path: path.clone(),
                source,
            })?;
        }
        Ok(Self(path))
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

/// A folder we create is readable by its owner only: its files are encrypted, but their names and
/// sizes are nobody else's business either.
#[cfg(unix)]
fn restrict_to_owner(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn restrict_to_owner(_: &Path) -> std::io::Result<()> {
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
    use crate::ErrorCode;

    #[cfg(unix)]
    #[test]
    fn a_created_folder_is_private_to_its_owner() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let temp = tempfile::tempdir()?;
        let wanted = temp.path().join("fresh");
        DataDir::open(Some(wanted.clone()))?;
        assert_eq!(
            std::fs::metadata(&wanted)?.permissions().mode() & 0o777,
            0o700
        );
        Ok(())
    }

    #[test]
    fn explicit_folder_is_created() -> Result<(), Box<dyn std::error::Error>> {
        let temp = tempfile::tempdir()?;
        let wanted = temp.path().join("nested").join("data");
        let dir = DataDir::open(Some(wanted.clone()))?;
        assert_eq!(dir.path(), wanted);
        assert!(wanted.is_dir());
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
        assert_eq!(error.code(), ErrorCode::DataDirUnavailable);
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
