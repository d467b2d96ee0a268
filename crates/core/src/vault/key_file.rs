//! The key file beside the database: the data key wrapped by the recovery passphrase
//! (Argon2id, then XChaCha20-Poly1305), so the data survives a lost keychain entry.
//! Its JSON format is pinned by a test: files written by older builds must stay readable.

use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::secret::{DataKey, Passphrase};

const FORMAT: &str = "crypto-balance-key";
/// Format 2 authenticates every header field with the wrapped key; format 1 only its name.
const VERSION: u32 = 2;
/// Format 1's associated data: the format's name alone, so its header fields were not bound.
const AAD_V1: &[u8] = b"crypto-balance-key/v1";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;

/// Argon2id cost. The default follows OWASP's guidance with a wide margin (64 MiB, 3 passes),
/// about half a second here; the costs are stored in the file so they can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams {
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 1,
        }
    }
}

/// The most a key file may ask of the key derivation: 1 GiB, 16 passes, 16 lanes. A file asking
/// more is refused before any work, so a crafted file cannot hang or exhaust the machine.
pub const MAX_KDF: KdfParams = KdfParams {
    memory_kib: 1024 * 1024,
    iterations: 16,
    parallelism: 16,
};

impl KdfParams {
    /// Whether these costs are within [`MAX_KDF`] (and not zero).
    pub fn within_bounds(&self) -> bool {
        (1..=MAX_KDF.memory_kib).contains(&self.memory_kib)
            && (1..=MAX_KDF.iterations).contains(&self.iterations)
            && (1..=MAX_KDF.parallelism).contains(&self.parallelism)
    }

    /// Cheap costs for tests only: the format and code path are the same, the work is not.
    pub fn insecure_for_tests() -> Self {
        KdfParams {
            memory_kib: 256,
            iterations: 1,
            parallelism: 1,
        }
    }
}

/// What can go wrong reading or unwrapping a key file.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("the passphrase is wrong")]
    WrongPassphrase,
    #[error("key file {path} is damaged ({why}); restore it from a backup")]
    Corrupt { path: String, why: String },
    #[error("key file {path} was written by a newer version of Crypto Balance (format {version})")]
    TooNew { path: String, version: u32 },
    #[error("the key derivation failed: {0}")]
    Kdf(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KdfSection {
    algorithm: String,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

/// The key file's contents. Nothing in it is secret without the passphrase.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    format: String,
    version: u32,
    /// Names the data key's keychain entry, so moving the data folder keeps silent unlock.
    pub key_id: String,
    /// Whether the data key is kept in the OS keychain for silent unlock. Off = app lock: the
    /// passphrase is asked at every start.
    pub use_keychain: bool,
    kdf: KdfSection,
    cipher: String,
    nonce: String,
    wrapped_key: String,
}

impl KeyFile {
    /// Wraps `key` with `passphrase` under a fresh salt and nonce.
    pub fn wrap(
        key: &DataKey,
        passphrase: &Passphrase,
        params: KdfParams,
        key_id: String,
        use_keychain: bool,
    ) -> Result<Self, KeyFileError> {
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let mut file = KeyFile {
            format: FORMAT.into(),
            version: VERSION,
            key_id,
            use_keychain,
            kdf: KdfSection {
                algorithm: "argon2id".into(),
                params,
                salt: BASE64.encode(salt),
            },
            cipher: "xchacha20poly1305".into(),
            nonce: BASE64.encode(nonce),
            wrapped_key: String::new(),
        };
        let wrapped = seal(
            key,
            passphrase,
            &salt,
            &nonce,
            params,
            &file.associated_data(),
        )?;
        file.wrapped_key = BASE64.encode(wrapped);
        Ok(file)
    }

    /// What the AEAD authenticates besides the key: in format 2 every header field, so changing
    /// `use_keychain`, `key_id` or the KDF costs makes the file fail to open.
    fn associated_data(&self) -> Vec<u8> {
        if self.version < 2 {
            return AAD_V1.to_vec();
        }
        let KdfParams {
            memory_kib,
            iterations,
            parallelism,
        } = self.kdf.params;
        format!(
            "{FORMAT}/v{}\nkey_id={}\nuse_keychain={}\nkdf={} m={memory_kib} t={iterations} p={parallelism} salt={}\ncipher={} nonce={}",
            self.version, self.key_id, self.use_keychain, self.kdf.algorithm, self.kdf.salt, self.cipher, self.nonce
        )
        .into_bytes()
    }

    /// The key derivation costs this file was written with.
    pub fn kdf_params(&self) -> KdfParams {
        self.kdf.params
    }

    /// The key file's format version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Recovers the data key; a wrong passphrase fails the AEAD check.
    pub fn unwrap_key(
        &self,
        passphrase: &Passphrase,
        path: &Path,
    ) -> Result<DataKey, KeyFileError> {
        let corrupt = |why: &str| KeyFileError::Corrupt {
            path: path.display().to_string(),
            why: why.into(),
        };
        let salt = BASE64
            .decode(&self.kdf.salt)
            .map_err(|_| corrupt("bad salt"))?;
        let nonce = BASE64
            .decode(&self.nonce)
            .map_err(|_| corrupt("bad nonce"))?;
        let wrapped = BASE64
            .decode(&self.wrapped_key)
            .map_err(|_| corrupt("bad wrapped key"))?;
        if nonce.len() != NONCE_LEN || salt.len() < 8 {
            return Err(corrupt("bad nonce or salt length"));
        }
        if !self.kdf.params.within_bounds() {
            return Err(corrupt("key derivation costs beyond what this app accepts"));
        }
        let cipher = cipher_for(passphrase, &salt, self.kdf.params)?;
        let aad = self.associated_data();
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &wrapped,
                        aad: &aad,
                    },
                )
                .map_err(|_| KeyFileError::WrongPassphrase)?,
        );
        DataKey::from_bytes(&plain).ok_or_else(|| corrupt("wrapped key has the wrong length"))
    }

    /// Parses a key file's text, checking the format before trusting any field.
    pub fn parse(text: &str, path: &Path) -> Result<Self, KeyFileError> {
        let corrupt = |why: String| KeyFileError::Corrupt {
            path: path.display().to_string(),
            why,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| corrupt(format!("not JSON: {e}")))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(corrupt("not a Crypto Balance key file".into()));
        }
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version > u64::from(VERSION) {
            return Err(KeyFileError::TooNew {
                path: path.display().to_string(),
                version: u32::try_from(version).unwrap_or(u32::MAX),
            });
        }
        let file: KeyFile =
            serde_json::from_value(value).map_err(|e| corrupt(format!("missing field: {e}")))?;
        if file.kdf.algorithm != "argon2id" || file.cipher != "xchacha20poly1305" {
            return Err(corrupt("unknown algorithm".into()));
        }
        if !file.kdf.params.within_bounds() {
            return Err(corrupt(
                "key derivation costs beyond what this app accepts".into(),
            ));
        }
        Ok(file)
    }

    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and booleans always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Encrypts the data key under a key derived from the passphrase and salt.
fn seal(
    key: &DataKey,
    passphrase: &Passphrase,
    salt: &[u8],
    nonce: &[u8; NONCE_LEN],
    params: KdfParams,
    aad: &[u8],
) -> Result<Vec<u8>, KeyFileError> {
    cipher_for(passphrase, salt, params)?
        .encrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: key.expose(),
                aad,
            },
        )
        .map_err(|_| KeyFileError::Kdf("encryption failed".into()))
}

fn cipher_for(
    passphrase: &Passphrase,
    salt: &[u8],
    params: KdfParams,
) -> Result<XChaCha20Poly1305, KeyFileError> {
    let params = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        Some(32),
    )
    .map_err(|e| KeyFileError::Kdf(e.to_string()))?;
    let mut wrapping_key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.expose().as_bytes(), salt, wrapping_key.as_mut())
        .map_err(|e| KeyFileError::Kdf(e.to_string()))?;
    XChaCha20Poly1305::new_from_slice(wrapping_key.as_ref())
        .map_err(|e| KeyFileError::Kdf(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passphrase(text: &str) -> Passphrase {
        Passphrase::new(text.into())
    }

    fn wrap(key: &DataKey) -> KeyFile {
        KeyFile::wrap(
            key,
            &passphrase("correct horse battery"),
            KdfParams::insecure_for_tests(),
            "id1".into(),
            true,
        )
        .expect("wraps")
    }

    #[test]
    fn the_right_passphrase_unwraps_the_same_key() {
        let key = DataKey::generate();
        let file = wrap(&key);
        let parsed = KeyFile::parse(&file.to_json(), Path::new("k")).expect("parses");
        let back = parsed
            .unwrap_key(&passphrase("correct horse battery"), Path::new("k"))
            .expect("unwraps");
        assert_eq!(back.expose(), key.expose());
    }

    #[test]
    fn a_wrong_passphrase_is_refused() {
        let file = wrap(&DataKey::generate());
        let result = file.unwrap_key(&passphrase("wrong horse battery"), Path::new("k"));
        assert!(matches!(result, Err(KeyFileError::WrongPassphrase)));
    }

    #[test]
    fn the_file_never_holds_the_key_or_passphrase_in_clear() {
        let key = DataKey::generate();
        let json = wrap(&key).to_json();
        assert!(!json.contains(key.to_hex().as_str()));
        assert!(!json.contains(&BASE64.encode(key.expose())));
        assert!(!json.contains("correct horse"));
    }

    #[test]
    fn damaged_and_foreign_files_are_named_as_such() {
        let path = Path::new("/data/crypto-balance.key");
        for text in ["", "{", "{\"format\":\"other\"}", "[1,2]"] {
            let error = KeyFile::parse(text, path).expect_err("refused");
            assert!(matches!(error, KeyFileError::Corrupt { .. }), "{text}");
            assert!(error.to_string().contains("/data/crypto-balance.key"));
        }
        let newer = r#"{"format":"crypto-balance-key","version":9}"#;
        assert!(matches!(
            KeyFile::parse(newer, path),
            Err(KeyFileError::TooNew { version: 9, .. })
        ));
    }

    #[test]
    fn a_tampered_wrapped_key_fails_authentication() {
        let mut file = wrap(&DataKey::generate());
        let mut bytes = BASE64.decode(&file.wrapped_key).expect("base64");
        bytes[0] ^= 1;
        file.wrapped_key = BASE64.encode(bytes);
        let result = file.unwrap_key(&passphrase("correct horse battery"), Path::new("k"));
        assert!(matches!(result, Err(KeyFileError::WrongPassphrase)));
    }

    #[test]
    fn every_header_field_is_authenticated() {
        let key = DataKey::generate();
        let file = wrap(&key);
        assert_eq!(file.version(), 2);
        let json = file.to_json();
        for (from, to) in [
            ("\"use_keychain\": true", "\"use_keychain\": false"),
            ("\"key_id\": \"id1\"", "\"key_id\": \"id2\""),
            ("\"iterations\": 1", "\"iterations\": 2"),
        ] {
            assert!(json.contains(from), "{from} in {json}");
            let tampered = KeyFile::parse(&json.replace(from, to), Path::new("k")).expect("parses");
            let result = tampered.unwrap_key(&passphrase("correct horse battery"), Path::new("k"));
            assert!(
                matches!(result, Err(KeyFileError::WrongPassphrase)),
                "changing {from} must break the seal"
            );
        }
    }

    #[test]
    fn key_derivation_costs_are_bounded_on_read() {
        let json = wrap(&DataKey::generate()).to_json();
        for (from, to) in [
            ("\"memory_kib\": 256", "\"memory_kib\": 4294967295"),
            ("\"iterations\": 1", "\"iterations\": 100000"),
            ("\"parallelism\": 1", "\"parallelism\": 0"),
        ] {
            let error = KeyFile::parse(&json.replace(from, to), Path::new("k")).err();
            assert!(
                matches!(error, Some(KeyFileError::Corrupt { .. })),
                "{to} must be refused before any work"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1_000))]

        /// Whatever bytes stand in the key file: a parsed file or a typed error, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(file) = KeyFile::parse(&text, Path::new("k")) {
                let _ = file.unwrap_key(&passphrase("x"), Path::new("k"));
            }
        }

        /// Valid-looking JSON with arbitrary field values.
        #[test]
        fn arbitrary_fields_never_panic(
            version in 0u64..4,
            memory in proptest::prelude::any::<u32>(),
            iterations in 0u32..20,
            salt in "[A-Za-z0-9+/=]{0,40}",
            nonce in "[A-Za-z0-9+/=]{0,40}",
            wrapped in "[A-Za-z0-9+/=]{0,80}",
        ) {
            let text = format!(
                r#"{{"format":"crypto-balance-key","version":{version},"key_id":"k","use_keychain":true,
                "kdf":{{"algorithm":"argon2id","memory_kib":{memory},"iterations":{iterations},"parallelism":1,"salt":"{salt}"}},
                "cipher":"xchacha20poly1305","nonce":"{nonce}","wrapped_key":"{wrapped}"}}"#
            );
            if let Ok(file) = KeyFile::parse(&text, Path::new("k")) {
                if file.kdf.params.memory_kib <= 4096 {
                    let _ = file.unwrap_key(&passphrase("x"), Path::new("k"));
                }
            }
        }
    }

    /// Pins format 1: a file written by this version must unwrap forever.
    #[test]
    fn format_1_stays_readable() {
        let pinned = r#"{
  "format": "crypto-balance-key",
  "version": 1,
  "key_id": "pinned",
  "use_keychain": true,
  "kdf": {"algorithm": "argon2id", "memory_kib": 256, "iterations": 1, "parallelism": 1,
          "salt": "AAECAwQFBgcICQoLDA0ODw=="},
  "cipher": "xchacha20poly1305",
  "nonce": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX",
  "wrapped_key": "WRAPPED"
}"#;
        // Build the pinned ciphertext once from fixed inputs, then check parse + unwrap.
        let key = DataKey::from_bytes(&[7u8; 32]).expect("32 bytes");
        let salt: Vec<u8> = (0..16).collect();
        let nonce: [u8; NONCE_LEN] = std::array::from_fn(|i| i as u8);
        let wrapped = seal(
            &key,
            &passphrase("pinned passphrase"),
            &salt,
            &nonce,
            KdfParams::insecure_for_tests(),
            AAD_V1,
        )
        .expect("seals");
        assert_eq!(
            BASE64.encode(&wrapped),
            "2+4ub0duM4BZwyI1mMDWdZ2jDLRjTNh4Jx0FqDxdO2qY3C0JIuB7f7gH1OcWBBdr",
            "the wrapping algorithm changed: old key files would no longer open"
        );
        let text = pinned.replace("WRAPPED", &BASE64.encode(&wrapped));
        let file = KeyFile::parse(&text, Path::new("k")).expect("parses");
        let back = file
            .unwrap_key(&passphrase("pinned passphrase"), Path::new("k"))
            .expect("unwraps");
        assert_eq!(back.expose(), &[7u8; 32]);
    }
}
