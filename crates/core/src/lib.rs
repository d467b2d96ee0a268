//! Crypto Balance core: everything the product does, with no Tauri dependency, so the desktop shell
//! and the headless CLI share one implementation and every rule is testable without a display.
//!
//! Modules:
//! - [`app`]: the [`App`] handle both shells build once at start-up and pass down.
//! - [`layers`]: the order of the modules below (docs/ARCHITECTURE.md), kept by a test.
//! - [`paths`]: where the user's data lives ([`DataDir`]), the same folder for the app and the CLI.
//! - [`info`]: what the app reports about itself ([`AppInfo`]).
//! - [`events`]: the one [`events::Event`] enum of what changed, on the channel `App` owns.
//! - [`error`]: the crate's [`Error`], its stable [`ErrorCode`]s and the [`ErrorReport`] that crosses
//!   IPC and `--json` output as `{ code, message }`.
//! - [`money`]: exact coin [`Amount`]s and checked [`money::Price`]s (values are `Decimal`).
//! - [`numbers`]: how every surface writes amounts, prices, values and percentages.
//! - [`coin`]: [`coin::CoinId`], a coin's CoinGecko id, parsed once.
//! - [`ids`]: one type per row id that leaves core ([`ids::BatchId`], [`ids::AlertId`], …).
//! - [`secret`]: key material and passphrases that zeroize and never print.
//! - [`vault`]: the data key, kept in the OS keychain and wrapped by the recovery passphrase.
//! - [`locks`]: the OS file locks on the data folder (one vault writer, one sync loop).
//! - [`store`]: the SQLCipher-encrypted database, migrations, integrity.
//! - [`ledger`]: entries and the positions (amount, average cost) derived from them.
//! - [`holdings`], [`accounts`], [`assets`]: what users add, set, remove, undo and list.
//! - [`backup`]: encrypted backup to one file, and restore from it.
//! - [`calls`]: requests sent to each outside service, by outcome, for metrics.
//! - [`clock`]: the time, passed in so tests control it.
//! - [`currency`]: the vs currencies prices are quoted in; [`plan`]: CoinGecko's plans and limits.
//! - [`rates`]: the CoinGecko client, exact prices, caches, catalog, history and budget.
//! - [`settings`]: base currency, refresh interval, CoinGecko plan and key (encrypted).
//! - [`valuation`]: holdings times prices, exactly; missing prices listed, never zero.
//! - [`lots`]: cost basis by FIFO, LIFO, HIFO or average cost, and realized and unrealized P/L.
//! - [`sync`]: the background loop that keeps rates fresh, one per data folder.
//! - [`alerts`]: rules evaluated after every sync cycle, edge-triggered, with their history.
//! - [`notify`]: fired alerts sent to ntfy and signed webhooks, with retries and a log.
//! - [`privacy`]: the log of every request sent outside, "who saw what".
//! - [`tokens`]: the local API's personal access tokens, stored hashed.
//! - [`transfer`]: CSV import (preview, one-transaction commit, undo) and export.

pub mod accounts;
pub mod alerts;
pub mod app;
pub mod assets;
pub mod backup;
pub mod calls;
pub mod clock;
pub mod coin;
pub mod currency;
pub mod error;
pub mod events;
pub mod holdings;
pub mod ids;
pub mod info;
pub mod layers;
pub mod ledger;
pub mod locks;
pub mod lots;
pub mod money;
pub mod notify;
pub mod numbers;
pub mod paths;
pub mod plan;
pub mod privacy;
pub mod rates;
pub mod secret;
pub mod settings;
pub mod store;
pub mod sync;
mod text_value;
pub mod tokens;
pub mod transfer;
pub mod valuation;
pub mod vault;
pub mod wallets;

pub use app::{App, AppConfig, RestoreOutcome, VaultStatus};
pub use error::{Error, ErrorCode, ErrorReport};
pub use info::AppInfo;
pub use money::Amount;
pub use paths::DataDir;
pub use secret::Passphrase;

/// The product name shown to people.
pub const PRODUCT_NAME: &str = "Crypto Balance";

/// The app identifier: the desktop bundle id and the name of the platform data folder, so the
/// desktop app and the CLI find the same data without configuration.
pub const APP_IDENTIFIER: &str = "com.cryptobalance.desktop";

/// The version of this build, shared by every crate of the workspace.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
