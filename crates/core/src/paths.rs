//! Where the user's data lives. The desktop app and the CLI resolve the same folder: an explicit
//! choice (`--data-dir`, `CRYPTO_BALANCE_DATA_DIR`) wins, otherwise the platform's per-user data
//! folder joined with [`crate::APP_IDENTIFIER`] (the folder Tauri calls `app_data_dir`).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{Error, APP_IDENTIFIER};

/// The environment variable both shells read for an explicit data folder.
pub const DATA_DIR_ENV: &str = "CRYPTO_BALANCE_DATA_DIR";

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
    dirs::data_dir().map(|dir| dir.join(APP_IDENTIFIER))
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
            assert!(dir.ends_with(APP_IDENTIFIER));
        }
    }
}
