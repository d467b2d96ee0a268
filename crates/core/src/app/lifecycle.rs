//! The vault side of [`App`]: creating, unlocking and locking it, backup and restore, and the
//! passphrase and app lock. Vault-level changes hold the folder exclusively (`locks`).

use std::path::Path;
use std::sync::atomic::Ordering;

use super::{App, RestoreOutcome, State, UnlockOutcome, VaultStatus};
use crate::backup;
use crate::events::Event;
use crate::secret::{DataKey, Passphrase};
use crate::store::Store;
use crate::vault::{self, Access, UnlockedBy, VaultError, VaultLock};
use crate::Error;

impl App {
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
        crate::ledger::replay_unordered(&store).await?;
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

    /// Closes this process's store (releasing its shared hold, so only others can be in the way)
    /// and holds the vault exclusively, for a change that replaces its files. Returns the lock
    /// and the key of a store that was open. When another process has the vault open, the store
    /// is opened again as it was and the error says the folder is in use.
    async fn hold_alone(&self, state: &mut State) -> Result<(VaultLock, Option<DataKey>), Error> {
        let was_open = match std::mem::replace(state, State::Locked) {
            State::Unlocked { store, key, .. } => {
                store.close().await;
                Some(key)
            }
            State::Locked => None,
        };
        match VaultLock::acquire(self.data_dir.path(), Access::Exclusive) {
            Ok(lock) => Ok((lock, was_open)),
            Err(error) => {
                if let Some(key) = was_open {
                    *state = self.open_store(key).await?;
                }
                Err(error.into())
            }
        }
    }

    /// The person's "Lock now" (or an idle lock): closes the store, and until this process ends
    /// only the passphrase unlocks it again, never the keychain.
    pub async fn lock_now(&self) {
        self.keychain_barred.store(true, Ordering::SeqCst);
        self.lock().await;
    }

    /// Closes the store; the next use needs an unlock.
    pub async fn lock(&self) {
        let mut state = self.state.write().await;
        if let State::Unlocked { store, .. } = &*state {
            self.save_requests(store).await;
            store.close().await;
            *state = State::Locked;
            self.publish(Event::VaultLocked);
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
        let (exclusive, open_key) = self.hold_alone(&mut state).await?;
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
        if open_key.is_some() {
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
            let (exclusive, _) = self.hold_alone(&mut state).await?;
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
