//! Event names the backend publishes; the UI listens and re-reads what changed.

/// Holdings or accounts changed (a command, an import, a restore).
pub const HOLDINGS_CHANGED: &str = "holdings-changed";

/// A sync cycle stored new rates; the payload is the cycle's report.
pub const RATES_UPDATED: &str = "rates-updated";

/// The sync loop's state changed (syncing, idle, backing off, needs attention, paused).
pub const SYNC_STATUS: &str = "sync-status";

/// An alert fired (its notification was requested); the payload is the fired alert.
pub const ALERT_FIRED: &str = "alert-fired";

/// A running import moved on; the payload is its progress (phase, bytes, rows).
pub const IMPORT_PROGRESS: &str = "import-progress";

/// A change of passphrase is re-encrypting the data; the payload is how far it is.
pub const PASSPHRASE_PROGRESS: &str = "passphrase-progress";
