//! The desktop app's own preferences: whether closing the window keeps it in the tray, and whether
//! a launch at login starts in the tray. Read before the vault is unlocked (the app lock may be
//! on), so they live in `desktop.json` in the platform's config folder (`paths::AppFolders`):
//! they hold no secrets and no holdings.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;

pub const FILE_NAME: &str = "desktop.json";

/// The argument the login item launches the app with.
pub const AUTOSTART_ARG: &str = "--autostart";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct DesktopPrefs {
    /// Closing the window hides it to the tray (refreshes and alerts go on); off: closing quits.
    pub close_to_tray: bool,
    /// Launched at login, the app starts in the tray without a window.
    pub start_minimized: bool,
    /// Serve the local HTTP API on 127.0.0.1 while the app runs (off at first).
    pub api_server: bool,
    /// The API's port on 127.0.0.1.
    pub api_port: u16,
}

impl Default for DesktopPrefs {
    fn default() -> Self {
        Self {
            close_to_tray: true,
            start_minimized: true,
            api_server: false,
            api_port: crypto_balance_api::DEFAULT_PORT,
        }
    }
}

pub fn path_in(config_dir: &Path) -> PathBuf {
    config_dir.join(FILE_NAME)
}

/// The stored preferences; the defaults when the file is missing or unreadable (logged).
pub fn load(path: &Path) -> DesktopPrefs {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            tracing::warn!(%error, path = %path.display(), "ignoring unreadable desktop preferences");
            DesktopPrefs::default()
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => DesktopPrefs::default(),
        Err(error) => {
            tracing::warn!(%error, path = %path.display(), "cannot read desktop preferences");
            DesktopPrefs::default()
        }
    }
}

/// Writes the preferences whole (a temporary file renamed over the old one).
pub fn save(path: &Path, prefs: &DesktopPrefs) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer_pretty(&mut temp, prefs)?;
    temp.as_file_mut().flush()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_in_a_new_folder_and_defaults_when_missing_or_damaged() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = path_in(&dir.path().join("not yet created"));
        assert_eq!(load(&path), DesktopPrefs::default());
        let chosen = DesktopPrefs {
            close_to_tray: false,
            start_minimized: false,
            api_server: true,
            api_port: 9000,
        };
        save(&path, &chosen)?;
        assert_eq!(load(&path), chosen);
        std::fs::write(&path, "{ not json")?;
        assert_eq!(load(&path), DesktopPrefs::default());
        std::fs::write(&path, r#"{"close_to_tray": false}"#)?;
        assert!(
            load(&path).start_minimized,
            "a missing field keeps its default"
        );
        Ok(())
    }
}
