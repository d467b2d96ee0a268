//! Refuses anything that can spend: an extended private key, a WIF key, a raw 64-hex key, a
//! Solana keypair or a mnemonic. Checked before any other parsing, so a secret is never stored,
//! logged or echoed in an error (the message names what it looked like, never the text).

use bdk_wallet::bitcoin::base58;

/// What kind of secret a refused input looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    ExtendedPrivateKey,
    WifKey,
    HexPrivateKey,
    SolanaKeypair,
    Mnemonic,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::ExtendedPrivateKey => "an extended private key (xprv/tprv/zprv …)",
            SecretKind::WifKey => "a private key in WIF form",
            SecretKind::HexPrivateKey => "a 64-digit hex private key",
            SecretKind::SolanaKeypair => "a Solana keypair",
            SecretKind::Mnemonic => "a recovery phrase (seed words)",
        }
    }
}

/// Version prefixes of extended private keys (BIP-32, 49, 84 and their multisig and test forms).
const PRIVATE_PREFIXES: [&str; 10] = [
    "xprv", "tprv", "yprv", "zprv", "uprv", "vprv", "Yprv", "Zprv", "Uprv", "Vprv",
];

/// The first secret found in `input`, looking at it whole and at each word or descriptor
/// argument (a descriptor such as `wpkh(KxWIF…)` hides a key inside).
pub fn find_secret(input: &str) -> Option<SecretKind> {
    let trimmed = input.trim();
    if looks_like_mnemonic(trimmed) {
        return Some(SecretKind::Mnemonic);
    }
    if looks_like_keypair_array(trimmed) {
        return Some(SecretKind::SolanaKeypair);
    }
    trimmed
        .split(|c: char| !(c.is_ascii_alphanumeric()))
        .filter(|token| !token.is_empty())
        .find_map(secret_token)
}

fn secret_token(token: &str) -> Option<SecretKind> {
    if PRIVATE_PREFIXES.iter().any(|p| token.starts_with(p)) && token.len() > 100 {
        return Some(SecretKind::ExtendedPrivateKey);
    }
    let hex = token.strip_prefix("0x").unwrap_or(token);
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(SecretKind::HexPrivateKey);
    }
    if (51..=52).contains(&token.len()) && is_wif(token) {
        return Some(SecretKind::WifKey);
    }
    if (86..=88).contains(&token.len()) && base58::decode(token).is_ok_and(|b| b.len() == 64) {
        return Some(SecretKind::SolanaKeypair);
    }
    None
}

/// A Base58Check string with a WIF version byte (0x80 main, 0xef test) and a 32-byte key,
/// optionally flagged compressed.
fn is_wif(token: &str) -> bool {
    base58::decode_check(token).is_ok_and(|bytes| {
        matches!(bytes.first(), Some(0x80 | 0xef))
            && (bytes.len() == 33 || (bytes.len() == 34 && bytes[33] == 1))
    })
}

/// 12 to 24 words of letters only: a BIP-39 phrase (checked loosely on purpose, so a phrase with
/// a typo or in another wordlist is refused too).
fn looks_like_mnemonic(input: &str) -> bool {
    let words: Vec<&str> = input.split_whitespace().collect();
    (12..=24).contains(&words.len())
        && words
            .iter()
            .all(|w| w.chars().all(char::is_alphabetic) && w.chars().count() <= 12)
}

/// `[12, 34, …]` with 64 numbers: a keypair file as the Solana CLI writes it.
fn looks_like_keypair_array(input: &str) -> bool {
    let Some(inner) = input.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
        return false;
    };
    let numbers: Vec<&str> = inner.split(',').map(str::trim).collect();
    numbers.len() == 64 && numbers.iter().all(|n| n.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_kind_of_secret_is_found() {
        let xprv = "xprv9s21ZrQH143K3GJpoapnV8SFfukcVBSfeCficPSGfubmSFDxo1kuHnLisriDvSnRRuL2Qrg5ggqHKNVpxR86QEC8w35uxmGoggxtQTPvfUu";
        let wif = "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn";
        let hex = "0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d";
        let mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon \
                        abandon abandon abandon about";
        let keypair = format!("[{}]", vec!["7"; 64].join(","));
        assert_eq!(find_secret(xprv), Some(SecretKind::ExtendedPrivateKey));
        assert_eq!(
            find_secret(&format!("wpkh({xprv}/84h/0h/0h/0/*)")),
            Some(SecretKind::ExtendedPrivateKey)
        );
        assert_eq!(find_secret(wif), Some(SecretKind::WifKey));
        assert_eq!(
            find_secret(&format!("wpkh({wif})")),
            Some(SecretKind::WifKey)
        );
        assert_eq!(find_secret(hex), Some(SecretKind::HexPrivateKey));
        assert_eq!(
            find_secret(&format!("0x{hex}")),
            Some(SecretKind::HexPrivateKey)
        );
        assert_eq!(find_secret(mnemonic), Some(SecretKind::Mnemonic));
        assert_eq!(find_secret(&keypair), Some(SecretKind::SolanaKeypair));
        let solana_secret = base58::encode(&[9u8; 64]);
        assert_eq!(find_secret(&solana_secret), Some(SecretKind::SolanaKeypair));
    }

    #[test]
    fn public_keys_and_addresses_pass() {
        for public in [
            "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs",
            "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
            "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045",
            "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
            "tr([73c5da0a/86h/0h/0h]xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ/0/*)",
            "My cold storage wallet",
        ] {
            assert_eq!(find_secret(public), None, "{public}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_looked_at_without_panicking(text in ".{0,400}") {
            let _ = find_secret(&text);
        }

        #[test]
        fn any_bytes_are_looked_at_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = find_secret(&String::from_utf8_lossy(&bytes));
        }
    }
}
