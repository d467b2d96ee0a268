//! The one handle both shells build at start-up and pass down: no command re-opens anything.
//!
//! The vault has an explicit state: not created, locked, or unlocked with the store open. The
//! desktop app starts locked and unlocks silently from the keychain, or asks for the passphrase.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde::Serialize;
use specta::Type;
use tokio::sync::{broadcast, RwLock};

use crate::accounts::{self, Account, AccountKind};
use crate::backup;
use crate::calls::RequestLog;
use crate::clock::{Clock, SystemClock};
use crate::events::{Event, EVENT_BUFFER};
use crate::holdings::{self, Holding, HoldingChange, NewHolding};
use crate::ids::BatchId;
use crate::money::Amount;
use crate::rates::{CoinGeckoOverrides, Rates};
use crate::secret::DataKey;
use crate::store::{Store, DATABASE_FILE_NAME};
use crate::vault::{self, KdfParams, Keychain, SystemKeychain, VaultLock};
use crate::{AppInfo, DataDir, Error};

mod alerts;
mod backfill;
mod lifecycle;
mod lookup;
mod notify;
mod privacy;
mod profit;
mod rates;
mod tokens;
mod transfer;
mod wallets;

pub use crate::events::CycleReport;
pub use crate::lots::history::BackfillProgress;
pub use alerts::ALERT_STALE_AFTER;
pub use backfill::{BackfillGap, BackfillReport};
pub use profit::{CoinLots, GainsReport, HistoryQuery, ProfitQuery};
pub use rates::RateView;
pub use wallets::WalletPreview;

use rates::checked_currency;

/// What a shell knows before opening the app: its explicit choices, already parsed.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    /// `--data-dir` or `CRYPTO_BALANCE_DATA_DIR`; `None` means the platform default.
    pub data_dir: Option<PathBuf>,
    /// Where the data key is kept for silent unlock; `None` means the OS keychain.
    pub keychain: Option<Arc<dyn Keychain>>,
    /// Argon2id costs for new key files; `None` means the secure default.
    pub kdf: Option<KdfParams>,
    /// `None` means the system clock.
    pub clock: Option<Arc<dyn Clock>>,
    /// How hard to try delivering an alert to ntfy or a webhook; `None` means the default.
    pub delivery: Option<crate::notify::Policy>,
    /// CoinGecko settings from the environment, which win over stored ones.
    pub coingecko: CoinGeckoOverrides,
    /// Wallet providers and the proxy from the environment.
    pub wallets: crate::wallets::ProviderOverrides,
}

/// Whether the vault exists and is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum VaultStatus {
    NotCreated,
    Locked,
    Unlocked,
}

/// How an unlock went, for a one-time notice when the keychain could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct UnlockOutcome {
    pub status: VaultStatus,
    /// Set when the keychain was not usable: the vault then works with the passphrase alone.
    pub keychain_notice: Option<String>,
}

#[derive(Debug)]
enum State {
    Locked,
    /// The key stays in memory (zeroized on lock) for encrypted backups. The shared vault lock
    /// keeps other processes from replacing or re-keying the files while they are open here.
    Unlocked {
        store: Store,
        key: DataKey,
        _shared: VaultLock,
    },
}

/// How a restore went: where the replaced files are kept, and which passphrase opens the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct RestoreOutcome {
    /// The folder keeping the files the restore replaced (`None` when there were none).
    pub kept: Option<String>,
    /// Set when the keychain was not usable: the vault then works with the passphrase alone.
    pub keychain_notice: Option<String>,
}

/// The opened app: cheap to share behind an `Arc` or Tauri's managed state.
#[derive(Debug)]
pub struct App {
    data_dir: DataDir,
    keychain: Arc<dyn Keychain>,
    kdf: KdfParams,
    clock: Arc<dyn Clock>,
    rates: Rates,
    /// Requests to outside services not yet in the vault's privacy log.
    requests: Arc<RequestLog>,
    /// The one channel of what changed; every write publishes on it (see [`crate::events`]).
    events: broadcast::Sender<Event>,
    state: RwLock<State>,
    /// Set by [`App::lock_now`]: until this process ends only the passphrase unlocks, so a
    /// reloaded window or a second client cannot reopen the vault from the keychain.
    keychain_barred: AtomicBool,
    /// Whether a backfill may find days to fetch: set at start and when holdings change, cleared
    /// when a pass of the sync loop finds nothing left it can fetch.
    backfill_due: AtomicBool,
    delivery: crate::notify::Policy,
    /// Bumped by every published event (see [`App::generation`]).
    generation: std::sync::atomic::AtomicU64,
    /// Built on the first delivery (most vaults never set a channel up).
    courier: std::sync::OnceLock<crate::notify::Courier>,
    providers: crate::wallets::ProviderOverrides,
    /// One wallet scan at a time in this process: two of the same wallet would race.
    scanning: tokio::sync::Mutex<()>,
    /// One backfill at a time: the loop's step and "Fetch past prices" together would ask for
    /// the same days twice, on a plan of five calls a minute.
    backfilling: tokio::sync::Mutex<()>,
}

impl App {
    /// Opens the app: resolves and creates the data folder. The vault stays locked.
    pub fn open(config: AppConfig) -> Result<Self, Error> {
        let data_dir = DataDir::open(config.data_dir)?;
        let requests = Arc::new(RequestLog::default());
        tracing::info!(data_dir = %data_dir, "app opened");
        Ok(Self {
            data_dir,
            keychain: config.keychain.unwrap_or_else(|| Arc::new(SystemKeychain)),
            kdf: config.kdf.unwrap_or_default(),
            clock: config.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            rates: Rates::new(config.coingecko, requests.clone()),
            requests,
            events: broadcast::channel(EVENT_BUFFER).0,
            state: RwLock::new(State::Locked),
            keychain_barred: AtomicBool::new(false),
            backfill_due: AtomicBool::new(true),
            delivery: config.delivery.unwrap_or_default(),
            generation: std::sync::atomic::AtomicU64::new(0),
            courier: std::sync::OnceLock::new(),
            providers: config.wallets,
            scanning: tokio::sync::Mutex::new(()),
            backfilling: tokio::sync::Mutex::new(()),
        })
    }

    /// What changes from now on, as [`Event`]s.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Publishes `event` to every subscriber (none listening is fine). Core's writes and its
    /// sync loop call it; shells only subscribe.
    pub(crate) fn publish(&self, event: Event) {
        if event == Event::HoldingsChanged {
            self.backfill_due
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        self.touch();
        let _ = self.events.send(event);
    }

    /// Marks that what was read before may have changed (a write with no event of its own).
    pub(crate) fn touch(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::Release);
    }

    /// A number that grows with every event this process publishes: what was read at one
    /// generation may be reused while it stays the same (writes by another process, such as a
    /// CLI command beside the daemon, do not move it).
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    pub fn info(&self) -> AppInfo {
        AppInfo::new(&self.data_dir)
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    fn database_path(&self) -> PathBuf {
        self.data_dir.path().join(DATABASE_FILE_NAME)
    }

    pub async fn status(&self) -> VaultStatus {
        match &*self.state.read().await {
            State::Unlocked { .. } => VaultStatus::Unlocked,
            State::Locked
                if vault::exists(self.data_dir.path())
                    || backup::restore_pending(self.data_dir.path()) =>
            {
                VaultStatus::Locked
            }
            State::Locked => VaultStatus::NotCreated,
        }
    }

    /// The open store, or [`Error::Locked`].
    pub async fn store(&self) -> Result<Store, Error> {
        match &*self.state.read().await {
            State::Unlocked { store, .. } => Ok(store.clone()),
            State::Locked => Err(Error::Locked),
        }
    }

    pub async fn holdings(&self) -> Result<Vec<Holding>, Error> {
        Ok(holdings::list(&self.store().await?).await?)
    }

    /// Adds a holding; a coin the local catalog does not know yet is looked up on CoinGecko.
    pub async fn add_holding(&self, new: NewHolding) -> Result<HoldingChange, Error> {
        let store = self.store().await?;
        let now = self.now();
        let add = || {
            let (store, new) = (&store, new.clone());
            async move { Ok(holdings::add(store, new, now).await?) }
        };
        let (mut change, found) = self.with_coin_lookup(&new.coin, add).await?;
        change.looked_up = found == lookup::Found::OnCoinGecko;
        self.publish(Event::HoldingsChanged);
        Ok(change)
    }

    pub async fn set_holding(
        &self,
        coin: &str,
        amount: Amount,
        account: Option<&str>,
    ) -> Result<HoldingChange, Error> {
        let change = holdings::set(&self.store().await?, coin, amount, account, self.now()).await?;
        self.publish(Event::HoldingsChanged);
        Ok(change)
    }

    pub async fn remove_holding(
        &self,
        coin: &str,
        account: Option<&str>,
    ) -> Result<HoldingChange, Error> {
        let change = holdings::remove(&self.store().await?, coin, account, self.now()).await?;
        self.publish(Event::HoldingsChanged);
        Ok(change)
    }

    pub async fn undo(&self, batch_id: BatchId) -> Result<(), Error> {
        holdings::undo(&self.store().await?, batch_id, self.now()).await?;
        self.publish(Event::HoldingsChanged);
        Ok(())
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, Error> {
        Ok(accounts::list(&self.store().await?).await?)
    }

    pub async fn create_account(&self, name: &str, kind: AccountKind) -> Result<Account, Error> {
        let account = accounts::create(&self.store().await?, name, kind, self.now()).await?;
        self.publish(Event::AccountsChanged);
        Ok(account)
    }

    pub async fn rename_account(&self, old: &str, new: &str) -> Result<Account, Error> {
        let account = accounts::rename(&self.store().await?, old, new).await?;
        self.publish(Event::AccountsChanged);
        self.publish(Event::HoldingsChanged);
        Ok(account)
    }

    pub async fn delete_account(&self, name: &str) -> Result<(), Error> {
        accounts::delete(&self.store().await?, name).await?;
        self.publish(Event::AccountsChanged);
        Ok(())
    }
}
