//! Where the data key is kept for silent unlock: the OS keychain (macOS Keychain, Windows
//! Credential Manager, Linux Secret Service), behind a trait so tests use an in-memory one.

use std::collections::HashMap;
use std::fmt;
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::secret::DataKey;
use crate::APP_IDENTIFIER;

/// A keychain call never blocks start-up longer than this (a locked or absent Secret Service
/// can otherwise hang on a D-Bus call).
const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, thiserror::Error)]
pub enum KeychainError {
    #[error("the system keychain is not available ({0})")]
    Unavailable(String),
    #[error("the system keychain did not answer within {} seconds", KEYCHAIN_TIMEOUT.as_secs())]
    TimedOut,
}

/// A store for the data key, by key id.
pub trait Keychain: Send + Sync + fmt::Debug {
    /// The stored key, or `None` if there is no entry (or the entry is not a key).
    fn load(&self, key_id: &str) -> Result<Option<DataKey>, KeychainError>;
    fn store(&self, key_id: &str, key: &DataKey) -> Result<(), KeychainError>;
    /// Removes the entry; removing a missing entry is not an error.
    fn delete(&self, key_id: &str) -> Result<(), KeychainError>;
}

/// The operating system's keychain through the `keyring` crate.
#[derive(Debug, Default)]
pub struct SystemKeychain;

impl SystemKeychain {
    /// Runs a keyring call on its own thread so a hung D-Bus call cannot hang us.
    fn call<T: Send + 'static>(
        key_id: &str,
        op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let entry = keyring::Entry::new(APP_IDENTIFIER, &format!("data-key-{key_id}"))
            .map_err(|e| KeychainError::Unavailable(e.to_string()))?;
        let (sender, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                let _ = sender.send(op(entry));
            })
            .map_err(|e| KeychainError::Unavailable(e.to_string()))?;
        match receiver.recv_timeout(KEYCHAIN_TIMEOUT) {
            Ok(result) => result.map_err(|e| KeychainError::Unavailable(describe(&e))),
            Err(_) => Err(KeychainError::TimedOut),
        }
    }
}

/// keyring's errors can carry the platform's text; never the secret itself.
fn describe(error: &keyring::Error) -> String {
    match error {
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => e.to_string(),
        other => other.to_string(),
    }
}

impl Keychain for SystemKeychain {
    fn load(&self, key_id: &str) -> Result<Option<DataKey>, KeychainError> {
        let result = Self::call(key_id, |entry| match entry.get_password() {
            Ok(text) => Ok(Some(Zeroizing::new(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })?;
        Ok(result.and_then(|text| DataKey::from_hex(&text)))
    }

    fn store(&self, key_id: &str, key: &DataKey) -> Result<(), KeychainError> {
        let hex = key.to_hex();
        Self::call(key_id, move |entry| entry.set_password(&hex))
    }

    fn delete(&self, key_id: &str) -> Result<(), KeychainError> {
        Self::call(key_id, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }
}

/// A keychain in memory, for tests and for machines where the user turned the keychain off.
#[derive(Debug, Default)]
pub struct MemoryKeychain {
    entries: Mutex<HashMap<String, Zeroizing<String>>>,
}

impl MemoryKeychain {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Zeroizing<String>>> {
        // A panic while holding this lock cannot leave the map half-written: recover it.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Keychain for MemoryKeychain {
    fn load(&self, key_id: &str) -> Result<Option<DataKey>, KeychainError> {
        Ok(self
            .entries()
            .get(key_id)
            .and_then(|hex| DataKey::from_hex(hex)))
    }

    fn store(&self, key_id: &str, key: &DataKey) -> Result<(), KeychainError> {
        self.entries().insert(key_id.to_owned(), key.to_hex());
        Ok(())
    }

    fn delete(&self, key_id: &str) -> Result<(), KeychainError> {
        self.entries().remove(key_id);
        Ok(())
    }
}

/// A keychain that is never reachable: a headless box with no Secret Service.
#[derive(Debug, Default)]
pub struct NoKeychain;

impl Keychain for NoKeychain {
    fn load(&self, _: &str) -> Result<Option<DataKey>, KeychainError> {
        Err(KeychainError::Unavailable("turned off".into()))
    }
    fn store(&self, _: &str, _: &DataKey) -> Result<(), KeychainError> {
        Err(KeychainError::Unavailable("turned off".into()))
    }
    fn delete(&self, _: &str) -> Result<(), KeychainError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_keychain_stores_loads_and_deletes() {
        let keychain = MemoryKeychain::default();
        let key = DataKey::generate();
        assert!(keychain.load("a").expect("loads").is_none());
        keychain.store("a", &key).expect("stores");
        let back = keychain.load("a").expect("loads").expect("present");
        assert_eq!(back.expose(), key.expose());
        keychain.delete("a").expect("deletes");
        keychain.delete("a").expect("deleting twice is fine");
        assert!(keychain.load("a").expect("loads").is_none());
    }
}
