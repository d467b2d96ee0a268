//! What changed, as core tells it: one [`Event`] enum on one channel owned by [`crate::App`].
//! Every write publishes its own event once its transaction has committed, and the sync loop
//! publishes its reports and states there too, so a shell needs one subscriber: the desktop app
//! bridges events to the window (one task), the daemon prints them, and the local API will stream
//! them. Subscribers re-read what changed; payloads are what a screen shows while it re-reads.

use std::time::Duration;

use rust_decimal::Decimal;
use serde::Serialize;
use specta::Type;

use crate::alerts::FiredAlert;
use crate::backup::RekeyProgress;
use crate::clock::UnixTime;
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::error::ErrorCode;
use crate::lots::history::BackfillProgress;
use crate::transfer::ImportProgress;
use crate::wallets::ScanReport;

/// How many events a slow subscriber may fall behind before it misses some (it then re-reads).
pub const EVENT_BUFFER: usize = 256;

/// Everything core tells the shells. As JSON (the UI's generated contract, the daemon's output)
/// it is `{ "name": "rates-updated", "payload": … }`, the name being [`Event::name`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "name", content = "payload", rename_all = "kebab-case")]
pub enum Event {
    /// Holdings or the ledger changed: a holding added, set or removed, an undo, an import, a
    /// restore.
    HoldingsChanged,
    /// Accounts were created, renamed or deleted.
    AccountsChanged,
    /// A sync cycle stored new rates, valued the portfolio and evaluated alerts.
    RatesUpdated(CycleReport),
    /// The sync loop's state changed (syncing, idle, backing off, needs attention, paused).
    SyncStatus(SyncStatus),
    /// An alert rule fired (already stored in the history): one notification each.
    AlertFired(FiredAlert),
    /// A running import moved on.
    ImportProgress(ImportProgress),
    /// A change of passphrase is re-encrypting the data.
    PassphraseProgress(RekeyProgress),
    /// A backfill of daily prices made another call.
    BackfillProgress(BackfillProgress),
    /// A watched wallet's scan ended (its holdings changed too when `changes` says so).
    WalletScanned(ScanReport),
    /// The vault was unlocked (its data can be read).
    VaultUnlocked,
    /// The vault was locked (nothing of it may be shown).
    VaultLocked,
}

impl Event {
    /// The name the desktop's window listens to.
    pub fn name(&self) -> &'static str {
        match self {
            Event::HoldingsChanged => "holdings-changed",
            Event::AccountsChanged => "accounts-changed",
            Event::RatesUpdated(_) => "rates-updated",
            Event::SyncStatus(_) => "sync-status",
            Event::AlertFired(_) => "alert-fired",
            Event::ImportProgress(_) => "import-progress",
            Event::PassphraseProgress(_) => "passphrase-progress",
            Event::BackfillProgress(_) => "backfill-progress",
            Event::WalletScanned(_) => "wallet-scanned",
            Event::VaultUnlocked => "vault-unlocked",
            Event::VaultLocked => "vault-locked",
        }
    }
}

/// Where the loop is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Starting,
    Syncing,
    Idle,
    Paused,
    /// A passing failure: retrying at `next_at`.
    BackingOff,
    /// The plan, key or vault needs the user; retrying at the normal pace.
    NeedsAttention,
    Stopped,
}

/// The loop's state, as the UI shows it (the `sync-status` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct SyncStatus {
    pub state: SyncState,
    /// Unix seconds of the last successful cycle.
    pub last_success_at: Option<UnixTime>,
    /// Unix seconds of the next planned cycle.
    pub next_at: Option<UnixTime>,
    /// The interval in force (the chosen one, stretched to the plan's budget).
    pub interval_seconds: u64,
    /// Why the last cycle failed, for people.
    pub message: Option<String>,
    pub error_code: Option<ErrorCode>,
}

/// One successful cycle (the `rates-updated` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct CycleReport {
    /// Unix seconds.
    pub at: UnixTime,
    /// CoinGecko calls made.
    pub calls: u32,
    /// Prices stored.
    pub updated: usize,
    /// Held coins without a price.
    pub missing: Vec<CoinId>,
    /// The portfolio total recorded in the snapshot.
    pub total: Decimal,
    pub currency: Currency,
    /// Alerts this cycle fired (already stored in the history).
    pub alerts_fired: Vec<FiredAlert>,
    /// When the next cycle is due.
    #[serde(skip)]
    pub next_interval: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated contract names events by serde's tag; the bridge emits them by `name()`.
    #[test]
    fn every_name_is_the_serialized_tag() -> Result<(), serde_json::Error> {
        let progress = RekeyProgress {
            phase: crate::backup::RekeyPhase::Checking,
            bytes_done: 0,
            bytes_total: 1,
        };
        let events = [
            Event::HoldingsChanged,
            Event::AccountsChanged,
            Event::PassphraseProgress(progress),
            Event::BackfillProgress(BackfillProgress {
                coin: "bitcoin".into(),
                coin_label: "Bitcoin (BTC)".into(),
                done: 0,
                coins: 1,
                days_left: 0,
                calls: 1,
                calls_per_minute: 5,
            }),
            Event::WalletScanned(ScanReport {
                wallet: "Cold".into(),
                chain: crate::wallets::WalletChain::Bitcoin,
                coins: Vec::new(),
                requests: 1,
                height: Some(1),
                changes: crate::wallets::LedgerChanges::default(),
                used_addresses: 0,
                unpriced_tokens: Vec::new(),
                changed: Vec::new(),
                error: None,
            }),
            Event::VaultUnlocked,
            Event::VaultLocked,
        ];
        for event in events {
            let json = serde_json::to_value(&event)?;
            assert_eq!(json["name"], event.name(), "{event:?}");
        }
        Ok(())
    }
}
