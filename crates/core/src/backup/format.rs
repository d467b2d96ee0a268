//! The backup file's layout. Format 2:
//!
//! ```text
//! CRYPTO-BALANCE-BACKUP/2\n      magic line
//! u32 little-endian              header length (at most 64 KiB)
//! header JSON                    {format, version, key_file, database_bytes, schema_version}
//! database_bytes bytes           the SQLCipher copy
//! 64 bytes                       BLAKE2b-512 keyed with the data key over everything above
//! ```
//!
//! Format 1 had the key file JSON as its header and the database to the end of the file, with
//! no tag: it is still read, and its database checked all the more (see `Store::check_copy`).

use std::io::{Read, Write};
use std::path::Path;

use blake2::digest::{FixedOutput, Mac, Update};
use blake2::Blake2bMac512;
use serde::{Deserialize, Serialize};

use super::BackupError;
use crate::secret::DataKey;
use crate::vault::KeyFile;

const MAGIC_PREFIX: &[u8] = b"CRYPTO-BALANCE-BACKUP/";
const MAGIC_V1: &[u8] = b"CRYPTO-BALANCE-BACKUP/1\n";
const MAGIC_V2: &[u8] = b"CRYPTO-BALANCE-BACKUP/2\n";
/// A header is a key file and a few numbers; anything far larger is not one of ours.
const MAX_HEADER_LEN: u32 = 64 * 1024;
pub const TAG_LEN: usize = 64;
/// Separates the tag's key from every other use of the data key (BLAKE2's personalisation).
const TAG_PERSONA: &[u8; 16] = b"cb-backup-mac-v2";
const FORMAT: &str = "crypto-balance-backup";

/// What format 2 says about itself before the database.
#[derive(Debug, Serialize, Deserialize)]
pub struct Header {
    format: String,
    version: u32,
    /// The key file's JSON text, exactly as it was in the data folder.
    key_file: String,
    database_bytes: u64,
    schema_version: i64,
}

impl Header {
    pub fn new(key_file: &KeyFile, database_bytes: u64) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: 2,
            key_file: key_file.to_json(),
            database_bytes,
            schema_version: crate::store::schema_version(),
        }
    }
}

/// A backup's header, read and parsed; the database follows in the reader.
#[derive(Debug)]
pub struct Opened {
    pub key_file: KeyFile,
    /// `None` in format 1, where the database runs to the end of the file.
    pub database_bytes: Option<u64>,
    /// The bytes read so far, which format 2's tag covers.
    prefix: Vec<u8>,
}

fn truncated(path: &Path, why: impl Into<String>) -> BackupError {
    BackupError::Truncated {
        path: path.to_path_buf(),
        why: why.into(),
    }
}

/// Reads as much of `buffer` as the source has; the count read.
fn read_up_to(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn read_exactly(
    reader: &mut impl Read,
    buffer: &mut [u8],
    path: &Path,
    what: &str,
) -> Result<(), BackupError> {
    let got = read_up_to(reader, buffer).map_err(super::io(path))?;
    if got < buffer.len() {
        return Err(truncated(path, format!("it ends inside the {what}")));
    }
    Ok(())
}

/// Reads the magic line and header, checking each before trusting it.
pub fn read_header(reader: &mut impl Read, path: &Path) -> Result<Opened, BackupError> {
    let not_ours = || BackupError::NotABackup(path.to_path_buf());
    let mut magic = vec![0u8; MAGIC_V2.len()];
    let got = read_up_to(reader, &mut magic).map_err(super::io(path))?;
    let version = match &magic[..got] {
        m if m == MAGIC_V2 => 2,
        m if m == MAGIC_V1 => 1,
        m if m.starts_with(MAGIC_PREFIX) && got == magic.len() => {
            return Err(BackupError::TooNew(path.to_path_buf()))
        }
        m if !m.is_empty() && MAGIC_V2.starts_with(m) => {
            return Err(truncated(path, "it ends inside the first line"))
        }
        _ => return Err(not_ours()),
    };
    let mut length = [0u8; 4];
    read_exactly(reader, &mut length, path, "header")?;
    let header_len = u32::from_le_bytes(length);
    if header_len > MAX_HEADER_LEN {
        return Err(not_ours());
    }
    let mut header = vec![0u8; header_len as usize];
    read_exactly(reader, &mut header, path, "header")?;
    let text = std::str::from_utf8(&header).map_err(|_| not_ours())?;
    let key_error = |source| BackupError::KeyFile {
        path: path.to_path_buf(),
        source,
    };
    let (key_file, database_bytes) = if version == 1 {
        (KeyFile::parse(text, path).map_err(key_error)?, None)
    } else {
        let parsed: Header = serde_json::from_str(text).map_err(|_| not_ours())?;
        if parsed.format != FORMAT || parsed.version != 2 {
            return Err(not_ours());
        }
        if parsed.schema_version > crate::store::schema_version() {
            return Err(BackupError::TooNew(path.to_path_buf()));
        }
        let key_file = KeyFile::parse(&parsed.key_file, path).map_err(key_error)?;
        (key_file, Some(parsed.database_bytes))
    };
    let mut prefix = magic;
    prefix.extend_from_slice(&length);
    prefix.extend_from_slice(&header);
    Ok(Opened {
        key_file,
        database_bytes,
        prefix,
    })
}

fn tagger_key(key: &DataKey) -> Blake2bMac512 {
    // A 32-byte key, no salt and a 16-byte persona are within BLAKE2b's limits, so this cannot
    // fail; the fallback keeps the signature total without a panic path.
    Blake2bMac512::new_with_salt_and_personal(key.expose(), &[], TAG_PERSONA)
        .unwrap_or_else(|_| <Blake2bMac512 as Mac>::new(&Default::default()))
}

/// Copies the database that follows the header into `out`. Format 2: exactly the header's
/// `database_bytes`, then the tag is checked and nothing may follow it. Format 1: to the end.
pub fn copy_database(
    reader: &mut impl Read,
    out: &mut impl Write,
    opened: &Opened,
    key: &DataKey,
    path: &Path,
) -> Result<(), BackupError> {
    let Some(expected) = opened.database_bytes else {
        let copied = std::io::copy(reader, out).map_err(super::io(path))?;
        if copied == 0 {
            return Err(truncated(path, "it holds no database"));
        }
        return Ok(());
    };
    let mut mac = tagger_key(key);
    Update::update(&mut mac, &opened.prefix);
    let mut remaining = expected;
    let mut buffer = vec![0u8; 64 * 1024];
    while remaining > 0 {
        let want = usize::try_from(remaining.min(buffer.len() as u64)).unwrap_or(buffer.len());
        let got = read_up_to(reader, &mut buffer[..want]).map_err(super::io(path))?;
        if got == 0 {
            return Err(truncated(
                path,
                format!(
                    "it ends after {} of its {expected} database bytes",
                    expected - remaining
                ),
            ));
        }
        Update::update(&mut mac, &buffer[..got]);
        out.write_all(&buffer[..got]).map_err(super::io(path))?;
        remaining -= got as u64;
    }
    let mut tag = [0u8; TAG_LEN];
    read_exactly(reader, &mut tag, path, "seal at its end")?;
    if mac.verify_slice(&tag).is_err() {
        return Err(BackupError::NotAuthentic(path.to_path_buf()));
    }
    let mut extra = [0u8; 1];
    if read_up_to(reader, &mut extra).map_err(super::io(path))? > 0 {
        return Err(BackupError::NotAuthentic(path.to_path_buf()));
    }
    Ok(())
}

/// Writes format 2's magic line and header.
pub fn write_header<W: Write>(out: &mut Tagger<W>, header: &Header) -> std::io::Result<()> {
    let json = serde_json::to_string(header).map_err(std::io::Error::other)?;
    let length = u32::try_from(json.len())
        .ok()
        .filter(|n| *n <= MAX_HEADER_LEN)
        .ok_or_else(|| std::io::Error::other("the backup header is too large"))?;
    out.write_all(MAGIC_V2)?;
    out.write_all(&length.to_le_bytes())?;
    out.write_all(json.as_bytes())
}

/// A writer that feeds everything it writes to the backup's tag.
pub struct Tagger<W: Write> {
    inner: W,
    mac: Blake2bMac512,
}

impl<W: Write> Tagger<W> {
    pub fn new(inner: W, key: &DataKey) -> Self {
        Self {
            inner,
            mac: tagger_key(key),
        }
    }

    /// The inner writer and the tag over everything written.
    pub fn finish(self) -> (W, [u8; TAG_LEN]) {
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&self.mac.finalize_fixed());
        (self.inner, tag)
    }
}

impl<W: Write> Write for Tagger<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        Update::update(&mut self.mac, &bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> std::fmt::Debug for Tagger<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tagger").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::secret::Passphrase;
    use crate::vault::KdfParams;

    fn key_file(key: &DataKey) -> KeyFile {
        KeyFile::wrap(
            key,
            &Passphrase::new("backup format test".into()),
            KdfParams::insecure_for_tests(),
            "id".into(),
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn backup_bytes(key: &DataKey, database: &[u8]) -> Vec<u8> {
        let mut tagged = Tagger::new(Vec::new(), key);
        let header = Header::new(&key_file(key), database.len() as u64);
        write_header(&mut tagged, &header).unwrap_or_else(|e| panic!("{e}"));
        tagged.write_all(database).unwrap_or_else(|e| panic!("{e}"));
        let (mut bytes, tag) = tagged.finish();
        bytes.extend_from_slice(&tag);
        bytes
    }

    fn read_back(bytes: &[u8], key: &DataKey) -> Result<Vec<u8>, BackupError> {
        let mut reader = bytes;
        let opened = read_header(&mut reader, Path::new("b"))?;
        let mut out = Vec::new();
        copy_database(&mut reader, &mut out, &opened, key, Path::new("b"))?;
        Ok(out)
    }

    #[test]
    fn a_whole_backup_reads_back_exactly() {
        let key = DataKey::generate();
        let bytes = backup_bytes(&key, b"database pages");
        assert_eq!(
            read_back(&bytes, &key).ok().as_deref(),
            Some(&b"database pages"[..])
        );
    }

    #[test]
    fn every_cut_is_refused() {
        let key = DataKey::generate();
        let bytes = backup_bytes(&key, &[7u8; 3000]);
        for cut in 0..bytes.len() {
            let result = read_back(&bytes[..cut], &key);
            assert!(
                matches!(
                    result,
                    Err(BackupError::Truncated { .. } | BackupError::NotABackup(_))
                ),
                "cut at {cut} of {}: {result:?}",
                bytes.len()
            );
        }
    }

    #[test]
    fn a_flipped_byte_or_appended_bytes_break_the_seal() {
        let key = DataKey::generate();
        let bytes = backup_bytes(&key, &[1u8; 500]);
        let database_start = bytes.len() - TAG_LEN - 500;
        for at in [database_start, bytes.len() - 1, bytes.len() - TAG_LEN - 1] {
            let mut tampered = bytes.clone();
            tampered[at] ^= 1;
            assert!(
                matches!(
                    read_back(&tampered, &key),
                    Err(BackupError::NotAuthentic(_))
                ),
                "flip at {at}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            read_back(&longer, &key),
            Err(BackupError::NotAuthentic(_))
        ));
        let other_key = DataKey::generate();
        assert!(matches!(
            read_back(&bytes, &other_key),
            Err(BackupError::NotAuthentic(_))
        ));
    }

    #[test]
    fn a_newer_format_is_named_as_such() {
        let mut bytes = b"CRYPTO-BALANCE-BACKUP/3\n".to_vec();
        bytes.extend_from_slice(&[0; 8]);
        assert!(matches!(
            read_back(&bytes, &DataKey::generate()),
            Err(BackupError::TooNew(_))
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Arbitrary bytes, and arbitrary bytes behind a real magic line: a typed error, never a
        /// panic, and never a database handed on.
        #[test]
        fn arbitrary_bytes_never_panic(
            magic in prop::sample::select(vec![&b""[..], MAGIC_V1, MAGIC_V2]),
            rest in proptest::collection::vec(any::<u8>(), 0..2_000),
        ) {
            let mut bytes = magic.to_vec();
            bytes.extend_from_slice(&rest);
            let key = DataKey::from_bytes(&[3u8; 32]).unwrap_or_else(DataKey::generate);
            let result = read_back(&bytes, &key);
            if magic == MAGIC_V2 {
                prop_assert!(result.is_err());
            }
        }

        /// A real header whose length and database length fields are arbitrary.
        #[test]
        fn arbitrary_lengths_never_panic(
            header_len in any::<u32>(),
            database_bytes in any::<u64>(),
            tail in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let key = DataKey::generate();
            let header = serde_json::to_string(&Header {
                database_bytes,
                ..Header::new(&key_file(&key), 0)
            }).unwrap_or_default();
            let mut bytes = MAGIC_V2.to_vec();
            bytes.extend_from_slice(&header_len.to_le_bytes());
            bytes.extend_from_slice(header.as_bytes());
            bytes.extend_from_slice(&tail);
            prop_assert!(read_back(&bytes, &key).is_err());
        }
    }
}
