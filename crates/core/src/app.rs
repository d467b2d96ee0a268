//! The one handle both shells build at start-up and pass down: no command re-opens anything.
//! Later issues add the store, the keys, the rate client and the event sender here.

use std::path::PathBuf;

use crate::{AppInfo, DataDir, Error};

/// What a shell knows before opening the app: its explicit choices, already parsed.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    /// `--data-dir` or `CRYPTO_BALANCE_DATA_DIR`; `None` means the platform default.
    pub data_dir: Option<PathBuf>,
}

/// The opened app: cheap to share behind an `Arc` or Tauri's managed state.
#[derive(Debug)]
pub struct App {
    data_dir: DataDir,
}

impl App {
    /// Opens the app: resolves and creates the data folder.
    pub fn open(config: AppConfig) -> Result<Self, Error> {
        let data_dir = DataDir::open(config.data_dir)?;
        tracing::info!(data_dir = %data_dir, "app opened");
        Ok(Self { data_dir })
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    pub fn info(&self) -> AppInfo {
        AppInfo::new(&self.data_dir)
    }
}
