//! What the app reports about itself: shown in Settings → About and by `crypto-balance info`.

use serde::Serialize;
use specta::Type;

use crate::{DataDir, PRODUCT_NAME, VERSION};

/// Facts about this build and where it keeps its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct AppInfo {
    /// The product name.
    pub name: String,
    /// The version of this build (semver).
    pub version: String,
    /// The folder that holds the user's data.
    pub data_dir: String,
    /// The operating system this build runs on (`linux`, `macos`, `windows`).
    pub os: String,
}

impl AppInfo {
    pub fn new(data_dir: &DataDir) -> Self {
        Self {
            name: PRODUCT_NAME.to_owned(),
            version: VERSION.to_owned(),
            data_dir: data_dir.to_string(),
            os: std::env::consts::OS.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_names_the_data_folder_and_version() -> Result<(), Box<dyn std::error::Error>> {
        let temp = tempfile::tempdir()?;
        let dir = DataDir::open(Some(temp.path().to_path_buf()))?;
        let info = AppInfo::new(&dir);
        assert_eq!(info.name, "Crypto Balance");
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(info.data_dir, temp.path().display().to_string());
        assert_eq!(info.os, std::env::consts::OS);
        Ok(())
    }
}
