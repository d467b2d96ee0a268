//! The one handle both shells build at start-up and pass down: no command re-opens anything.
//!
//! The vault has an explicit state: not created, locked, or unlocked with the store open. The
//! desktop app starts locked and unlocks silently from the keychain, or asks for the passphrase.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{broadcast, RwLock};
use ts_rs::TS;

use crate::accounts::{self, Account, AccountKind};
use crate::backup;
use crate::clock::{Clock, SystemClock};
use crate::events::{Event, EVENT_BUFFER};
use crate::holdings::{self, Holding, HoldingChange, NewHolding};
use crate::money::Amount;
use crate::rates::{CoinGeckoOverrides, Rates};
use crate::secret::{DataKey, Passphrase};
use crate::store::{Store, DATABASE_FILE_NAME};
use crate::vault::{
    self, Access, KdfParams, Keychain, SystemKeychain, UnlockedBy, VaultError, VaultLock,
};
use crate::{AppInfo, DataDir, Error};

mod alerts;
mod rates;
mod transfer;

pub use crate::events::CycleReport;
pub use alerts::ALERT_STALE_AFTER;
pub use rates::RateView;

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
    /// CoinGecko settings from the environment, which win over stored ones.
    pub coingecko: CoinGeckoOverrides,
}

/// Whether the vault exists and is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum VaultStatus {
    NotCreated,
    Locked,
    Unlocked,
}

/// How an unlock went, for a one-time notice when the keychain could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
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
    /// The one channel of what changed; every write publishes on it (see [`crate::events`]).
    events: broadcast::Sender<Event>,
    state: RwLock<State>,
    /// Set by [`App::lock_now`]: until this process ends only the passphrase unlocks, so a
    /// reloaded window or a second client cannot reopen the vault from the keychain.
    keychain_barred: AtomicBool,
}

impl App {
    /// Opens the app: resolves and creates the data folder. The vault stays locked.
    pub fn open(config: AppConfig) -> Result<Self, Error> {
        let data_dir = DataDir::open(config.data_dir)?;
        tracing::info!(data_dir = %data_dir, "app opened");
        Ok(Self {
            data_dir,
            keychain: config.keychain.unwrap_or_else(|| Arc::new(SystemKeychain)),
            kdf: config.kdf.unwrap_or_default(),
            clock: config.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            rates: Rates::new(config.coingecko),
            events: broadcast::channel(EVENT_BUFFER).0,
            state: RwLock::new(State::Locked),
            keychain_barred: AtomicBool::new(false),
        })
    }

    /// What changes from now on, as [`Event`]s.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Publishes `event` to every subscriber (none listening is fine). Core's writes call it
    /// themselves; shells use it only for state core does not own yet (the sync loop's life).
    pub fn publish(&self, event: Event) {
        let _ = self.events.send(event);
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

    /// Creates the vault (key file, keychain entry, empty database) and leaves it unlocked. The
    /// folder is held exclusively meanwhile, so two processes creating at once leave exactly
    /// one vault: the second finds it made, or the folder busy.
    pub async fn create_vault(
        &self,
        passphrase: &Passphrase,
        use_keychain: bool,
    ) -> Result<UnlockOutcome, Error> {
        let mut state = self.state.write().await;
        let dir = self.data_dir.path();
        let database = self.database_path();
        self.data_dir.create()?;
        let (store, unlocked) = {
            let _exclusive = VaultLock::acquire(dir, Access::Exclusive)?;
            self.finish_interrupted_restore()?;
            if database.exists() && !vault::exists(dir) {
                return Err(VaultError::KeyFileMissing(vault::key_file_path(dir)).into());
            }
            let unlocked = vault::create(
                dir,
                passphrase,
                self.keychain.as_ref(),
                self.kdf,
                use_keychain,
            )?;
            (Store::open(&database, &unlocked.key).await?, unlocked)
        };
        // From here on other processes may open the new vault too.
        let shared = VaultLock::acquire(dir, Access::Shared)?;
        self.data_dir.restrict()?;
        *state = State::Unlocked {
            store,
            key: unlocked.key,
            _shared: shared,
        };
        self.publish(Event::VaultUnlocked);
        Ok(outcome(&unlocked.by))
    }

    /// Unlocks from the keychain, or with `passphrase`. Unlocking an open vault changes nothing.
    pub async fn unlock(&self, passphrase: Option<&Passphrase>) -> Result<UnlockOutcome, Error> {
        let mut state = self.state.write().await;
        if let State::Unlocked { .. } = &*state {
            return Ok(UnlockOutcome {
                status: VaultStatus::Unlocked,
                keychain_notice: None,
            });
        }
        let dir = self.data_dir.path();
        if backup::needs_recovery(dir) {
            match VaultLock::acquire(dir, Access::Exclusive) {
                Ok(_exclusive) => self.finish_interrupted_restore()?,
                // An interrupted swap must be finished before anything opens the vault.
                Err(error) if backup::restore_pending(dir) => return Err(error.into()),
                // Only work folders: another process is checking a backup right now.
                Err(_) => {}
            }
        }
        let unlocked = if self.keychain_barred.load(Ordering::SeqCst) {
            let passphrase = passphrase.ok_or_else(|| {
                VaultError::PassphraseNeeded(
                    "locked with Lock now; the keychain opens it again only after a restart"
                        .to_owned(),
                )
            })?;
            vault::unlock_by_passphrase(dir, passphrase)?
        } else {
            vault::unlock(dir, self.keychain.as_ref(), passphrase)?
        };
        let by = unlocked.by;
        *state = self.open_store(unlocked.key).await?;
        self.publish(Event::VaultUnlocked);
        Ok(outcome(&by))
    }

    /// Opens the existing database with `key`, holding the vault shared. Only creating a vault
    /// makes a database: a missing one is news, never a fresh start.
    async fn open_store(&self, key: DataKey) -> Result<State, Error> {
        let shared = VaultLock::acquire(self.data_dir.path(), Access::Shared)?;
        let database = self.database_path();
        if !database.exists() {
            return Err(VaultError::DatabaseMissing(database).into());
        }
        let store = Store::open_existing(&database, &key).await?;
        self.data_dir.restrict()?;
        Ok(State::Unlocked {
            store,
            key,
            _shared: shared,
        })
    }

    /// Completes a restore a kill interrupted (the vault must be held exclusively).
    fn finish_interrupted_restore(&self) -> Result<(), Error> {
        if let Some(kept) = backup::recover(self.data_dir.path())? {
            tracing::warn!(kept = %kept.display(), "an interrupted restore was finished");
        }
        Ok(())
    }

    /// The person's "Lock now" (or an idle lock): closes the store, and until this process ends
    /// only the passphrase unlocks it again, never the keychain.
    pub async fn lock_now(&self) {
        self.keychain_barred.store(true, Ordering::SeqCst);
        self.lock().await;
    }

    /// Whether only the passphrase unlocks (after [`App::lock_now`]).
    pub fn keychain_barred(&self) -> bool {
        self.keychain_barred.load(Ordering::SeqCst)
    }

    /// Closes the store; the next use needs an unlock.
    pub async fn lock(&self) {
        let mut state = self.state.write().await;
        if let State::Unlocked { store, .. } = &*state {
            store.close().await;
            *state = State::Locked;
            self.publish(Event::VaultLocked);
        }
    }

    /// The open store, or [`Error::Locked`].
    pub async fn store(&self) -> Result<Store, Error> {
        match &*self.state.read().await {
            State::Unlocked { store, .. } => Ok(store.clone()),
            State::Locked => Err(Error::Locked),
        }
    }

    /// Changes the recovery passphrase and rotates the data key: the whole database is
    /// re-encrypted under a new key (written beside the old one, checked, then swapped in), so
    /// an old key file, in a backup or a kept folder, together with the old passphrase opens
    /// nothing of today's data. Needs the vault to itself: other processes must close it.
    pub async fn change_passphrase(&self, old: &Passphrase, new: &Passphrase) -> Result<(), Error> {
        self.change_passphrase_with(old, new, &|_| {}).await
    }

    /// [`App::change_passphrase`], reporting how far the re-encryption is to `report`.
    pub async fn change_passphrase_with(
        &self,
        old: &Passphrase,
        new: &Passphrase,
        report: &(dyn Fn(backup::RekeyProgress) + Send + Sync),
    ) -> Result<(), Error> {
        vault::check_strength(new)?;
        let mut state = self.state.write().await;
        let dir = self.data_dir.path();
        let key_file = vault::read_key_file(dir)?;
        let old_key = key_file
            .unwrap_key(old, &vault::key_file_path(dir))
            .map_err(VaultError::from)?;
        let was_open = match std::mem::replace(&mut *state, State::Locked) {
            State::Unlocked { store, .. } => {
                store.close().await;
                true
            }
            State::Locked => false,
        };
        let exclusive = match VaultLock::acquire(dir, Access::Exclusive) {
            Ok(lock) => lock,
            Err(error) => {
                if was_open {
                    *state = self.open_store(old_key).await?;
                }
                return Err(error.into());
            }
        };
        self.finish_interrupted_restore()?;
        let store = Store::open_existing(&self.database_path(), &old_key).await?;
        let new_key = DataKey::generate();
        let new_file = vault::KeyFile::wrap(
            &new_key,
            new,
            self.kdf,
            crate::secret::random_id(),
            key_file.use_keychain,
        )
        .map_err(VaultError::from)?;
        let publish = |progress: backup::RekeyProgress| {
            report(progress);
            self.publish(Event::PassphraseProgress(progress));
        };
        backup::rekey(&store, dir, &new_key, &new_file, self.now(), &publish).await?;
        drop(exclusive);
        if key_file.use_keychain {
            if let Err(e) = self.keychain.store(&new_file.key_id, &new_key) {
                tracing::warn!(error = %e, "the new key is not in the keychain; the passphrase unlocks");
            }
            if let Err(e) = self.keychain.delete(&key_file.key_id) {
                tracing::warn!(error = %e, "the old key's keychain entry was not removed");
            }
        }
        if was_open {
            *state = self.open_store(new_key).await?;
        }
        Ok(())
    }

    pub async fn set_app_lock(&self, passphrase: &Passphrase, locked: bool) -> Result<(), Error> {
        let _guard = self.state.write().await;
        Ok(vault::set_app_lock(
            self.data_dir.path(),
            passphrase,
            self.keychain.as_ref(),
            locked,
        )?)
    }

    /// Whether the app lock is on (the passphrase is asked at every start).
    pub fn app_lock(&self) -> Result<bool, Error> {
        Ok(!vault::read_key_file(self.data_dir.path())?.use_keychain)
    }

    /// Writes an encrypted backup of everything to `destination`; returns its size in bytes.
    pub async fn backup(&self, destination: &Path) -> Result<u64, Error> {
        crate::paths::check_outside(&self.data_dir, destination)?;
        let state = self.state.read().await;
        let State::Unlocked { store, key, .. } = &*state else {
            return Err(Error::Locked);
        };
        Ok(backup::create(store, self.data_dir.path(), key, destination).await?)
    }

    /// Replaces all data with a backup made with `passphrase`, which opens the vault from then
    /// on. The backup is authenticated and checked completely first; then it is swapped in with
    /// the vault held exclusively, and the replaced files are kept in a new `before-restore-…`
    /// folder. Leaves the vault unlocked.
    pub async fn restore(
        &self,
        source: &Path,
        passphrase: &Passphrase,
    ) -> Result<RestoreOutcome, Error> {
        // Restoring may be how a vault arrives on a new machine: the folder is made for it, and
        // removed again if the backup is refused, so a failed restore leaves nothing behind.
        let fresh = !self.data_dir.path().exists();
        self.data_dir.create()?;
        // Held while the backup is checked, so no other process takes the check's folder for
        // the leftovers of a killed one.
        let checking = VaultLock::acquire(self.data_dir.path(), Access::Shared)?;
        let checked = match backup::check(source, passphrase, self.data_dir.path()).await {
            Ok(checked) => checked,
            Err(error) => {
                drop(checking);
                if fresh {
                    let dir = self.data_dir.path();
                    let _ = std::fs::remove_file(dir.join(vault::VAULT_LOCK_FILE_NAME));
                    let _ = std::fs::remove_dir(dir);
                }
                return Err(error.into());
            }
        };
        drop(checking);
        let kept = {
            let mut state = self.state.write().await;
            // Closing here releases this process's shared hold, so only others can be in the way.
            let reopen = match std::mem::replace(&mut *state, State::Locked) {
                State::Unlocked { store, key, .. } => {
                    store.close().await;
                    Some(key)
                }
                State::Locked => None,
            };
            let exclusive = match VaultLock::acquire(self.data_dir.path(), Access::Exclusive) {
                Ok(lock) => lock,
                Err(error) => {
                    drop(checked);
                    if let Some(key) = reopen {
                        *state = self.open_store(key).await?;
                    }
                    return Err(error.into());
                }
            };
            let kept = backup::replace(self.data_dir.path(), checked, self.now())?;
            drop(exclusive);
            kept
        };
        let unlocked = self.unlock(Some(passphrase)).await?;
        self.publish(Event::HoldingsChanged);
        self.publish(Event::AccountsChanged);
        Ok(RestoreOutcome {
            kept: kept.exists().then(|| kept.display().to_string()),
            keychain_notice: unlocked.keychain_notice,
        })
    }

    pub async fn holdings(&self) -> Result<Vec<Holding>, Error> {
        Ok(holdings::list(&self.store().await?).await?)
    }

    pub async fn add_holding(&self, new: NewHolding) -> Result<HoldingChange, Error> {
        let change = holdings::add(&self.store().await?, new, self.now()).await?;
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

    pub async fn undo(&self, batch_id: i64) -> Result<(), Error> {
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

fn outcome(by: &UnlockedBy) -> UnlockOutcome {
    let keychain_notice = match by {
        UnlockedBy::Keychain => None,
        UnlockedBy::Passphrase { keychain_problem } => keychain_problem.as_ref().map(|why| {
            format!("The system keychain could not be used ({why}); Crypto Balance will ask for the passphrase at start.")
        }),
    };
    UnlockOutcome {
        status: VaultStatus::Unlocked,
        keychain_notice,
    }
}
