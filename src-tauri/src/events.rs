//! Event names the backend publishes; the UI listens and re-reads what changed.

/// Holdings or accounts changed (a command, an import, a restore).
pub const HOLDINGS_CHANGED: &str = "holdings-changed";
