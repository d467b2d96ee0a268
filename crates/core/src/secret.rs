//! Key material and passphrases: types that zeroize on drop, print as `<redacted>`, and implement
//! neither `Clone` nor `Serialize`, so a secret cannot reach a log, an error message or a file by
//! accident.

use std::fmt;

use rand::RngCore;
use zeroize::{Zeroize, Zeroizing};

/// Length of the database key in bytes (256 bits).
pub const DATA_KEY_LEN: usize = 32;

/// 128 random bits as hex: an identifier nobody can guess or collide with (key ids, entry sources).
pub fn random_id() -> String {
    let mut id = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id);
    hex::encode(id)
}

/// The random key that encrypts the database.
pub struct DataKey(Box<[u8; DATA_KEY_LEN]>);

impl DataKey {
    /// A fresh key from the operating system's secure random source.
    pub fn generate() -> Self {
        let mut bytes = Box::new([0u8; DATA_KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        DataKey(bytes)
    }

    /// Takes ownership of key bytes read from the keychain or unwrapped from the key file.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; DATA_KEY_LEN] = bytes.try_into().ok()?;
        let key = DataKey(Box::new(array));
        let mut array = array;
        array.zeroize();
        Some(key)
    }

    pub fn expose(&self) -> &[u8; DATA_KEY_LEN] {
        &self.0
    }

    /// The key as SQLCipher's raw-key literal `"x'<64 hex>'"`, zeroized when dropped.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", hex::encode(self.expose())))
    }

    /// The key as hex text for the keychain, zeroized when dropped.
    pub(crate) fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.expose()))
    }

    pub(crate) fn from_hex(text: &str) -> Option<Self> {
        let bytes = Zeroizing::new(hex::decode(text.trim()).ok()?);
        Self::from_bytes(&bytes)
    }
}

impl Drop for DataKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// The user's recovery passphrase.
pub struct Passphrase(Zeroizing<String>);

/// Fewer characters than this are refused when a passphrase is set.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

impl Passphrase {
    pub fn new(text: String) -> Self {
        Passphrase(Zeroizing::new(text))
    }

    /// Reads a passphrase file: its first line, without the line ending.
    pub fn from_file_contents(contents: String) -> Self {
        let contents = Zeroizing::new(contents);
        let first = contents.lines().next().unwrap_or("");
        Passphrase::new(first.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// A CoinGecko API key: sent in a header, kept in the encrypted database, never printed.
#[derive(Clone)]
pub struct ApiKey(Zeroizing<String>);

impl ApiKey {
    /// A key from user input, trimmed; `None` when empty.
    pub fn new(text: &str) -> Option<Self> {
        let text = text.trim();
        (!text.is_empty()).then(|| ApiKey(Zeroizing::new(text.to_owned())))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_their_contents() {
        let key = DataKey::generate();
        let hex = key.to_hex();
        assert!(!format!("{key:?}").contains(hex.as_str()));
        let passphrase = Passphrase::new("correct horse".into());
        assert_eq!(format!("{passphrase:?}"), "Passphrase(<redacted>)");
        let api_key = ApiKey::new(" CG-abc ").expect("not empty");
        assert_eq!(api_key.expose(), "CG-abc");
        assert_eq!(format!("{api_key:?}"), "ApiKey(<redacted>)");
        assert!(ApiKey::new("  ").is_none());
    }

    #[test]
    fn generated_keys_are_random_and_hex_round_trips() {
        let (a, b) = (DataKey::generate(), DataKey::generate());
        assert_ne!(a.expose(), b.expose());
        let back = DataKey::from_hex(&a.to_hex()).expect("hex round-trips");
        assert_eq!(back.expose(), a.expose());
        assert!(DataKey::from_hex("abcd").is_none());
        assert!(DataKey::from_hex("zz").is_none());
    }

    #[test]
    fn passphrase_file_uses_the_first_line() {
        let p = Passphrase::from_file_contents("s3cret words\nignored\n".into());
        assert_eq!(p.expose(), "s3cret words");
        let p = Passphrase::from_file_contents("crlf\r\n".into());
        assert_eq!(p.expose(), "crlf");
    }
}
