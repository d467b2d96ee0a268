//! Crypto Balance core: everything the product does, with no Tauri dependency, so the desktop shell
//! and the headless CLI share one implementation and every rule is testable without a display.
//!
//! Modules:
//! - [`app`]: the [`App`] handle both shells build once at start-up and pass down.
//! - [`paths`]: where the user's data lives ([`DataDir`]), the same folder for the app and the CLI.
//! - [`info`]: what the app reports about itself ([`AppInfo`]).
//! - [`error`]: the crate's [`Error`], its stable [`ErrorCode`]s and the [`ErrorReport`] that crosses
//!   IPC and `--json` output as `{ code, message }`.

pub mod app;
pub mod error;
pub mod info;
pub mod paths;

pub use app::{App, AppConfig};
pub use error::{Error, ErrorCode, ErrorReport};
pub use info::AppInfo;
pub use paths::DataDir;

/// The product name shown to people.
pub const PRODUCT_NAME: &str = "Crypto Balance";

/// The app identifier: the desktop bundle id and the name of the platform data folder, so the
/// desktop app and the CLI find the same data without configuration.
pub const APP_IDENTIFIER: &str = "com.cryptobalance.desktop";

/// The version of this build, shared by every crate of the workspace.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
