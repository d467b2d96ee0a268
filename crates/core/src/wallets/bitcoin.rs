//! What a Bitcoin wallet watches: one address, an xpub/ypub/zpub (script type from its prefix or
//! chosen), or an output descriptor. Descriptors are checked and derived by BDK; only public keys
//! get this far (see [`super::secret`]).

use std::str::FromStr;

use bdk_wallet::bitcoin::base58;
use bdk_wallet::bitcoin::bip32::Xpub;
use bdk_wallet::bitcoin::{Address, Network, NetworkKind, ScriptBuf};
use bdk_wallet::miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use bdk_wallet::miniscript::ForEachKey;
use bdk_wallet::{KeychainKind, Wallet};

use super::WalletError;

/// How an xpub's addresses are formed (BIP-44, 49, 84, 86).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptType {
    /// `pkh`: legacy addresses starting with 1 (BIP-44).
    Legacy,
    /// `sh(wpkh)`: nested SegWit addresses starting with 3 (BIP-49).
    NestedSegwit,
    /// `wpkh`: native SegWit addresses starting with bc1q (BIP-84).
    Segwit,
    /// `tr`: Taproot addresses starting with bc1p (BIP-86).
    Taproot,
}

impl FromStr for ScriptType {
    type Err = WalletError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "pkh" | "legacy" | "bip44" | "p2pkh" => ScriptType::Legacy,
            "sh-wpkh" | "nested" | "bip49" | "p2sh-p2wpkh" => ScriptType::NestedSegwit,
            "wpkh" | "segwit" | "bip84" | "p2wpkh" => ScriptType::Segwit,
            "tr" | "taproot" | "bip86" | "p2tr" => ScriptType::Taproot,
            _ => {
                return Err(WalletError::Invalid(format!(
                    "unknown script type '{text}': use legacy, nested, segwit or taproot"
                )))
            }
        })
    }
}

impl ScriptType {
    fn wrap(self, key: &str) -> String {
        match self {
            ScriptType::Legacy => format!("pkh({key})"),
            ScriptType::NestedSegwit => format!("sh(wpkh({key}))"),
            ScriptType::Segwit => format!("wpkh({key})"),
            ScriptType::Taproot => format!("tr({key})"),
        }
    }
}

/// A parsed Bitcoin watch: what is stored, and how to derive its scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitcoinWatch {
    pub network: Network,
    /// An address, or the receive descriptor then (optionally) the change one, one per line,
    /// each with its checksum.
    pub watch: String,
}

/// Base58 version bytes of extended public keys: (version, test network, script type), or a
/// multisig form that needs a descriptor.
fn xpub_version(version: [u8; 4]) -> Option<(bool, Option<ScriptType>)> {
    Some(match version {
        [0x04, 0x88, 0xb2, 0x1e] => (false, Some(ScriptType::Legacy)), // xpub
        [0x04, 0x9d, 0x7c, 0xb2] => (false, Some(ScriptType::NestedSegwit)), // ypub
        [0x04, 0xb2, 0x47, 0x46] => (false, Some(ScriptType::Segwit)), // zpub
        [0x04, 0x35, 0x87, 0xcf] => (true, Some(ScriptType::Legacy)),  // tpub
        [0x04, 0x4a, 0x52, 0x62] => (true, Some(ScriptType::NestedSegwit)), // upub
        [0x04, 0x5f, 0x1c, 0xf6] => (true, Some(ScriptType::Segwit)),  // vpub
        [0x02, 0x95, 0xb4, 0x3f] | [0x02, 0xaa, 0x7e, 0xd3] => (false, None), // Ypub, Zpub
        [0x02, 0x42, 0x89, 0xef] | [0x02, 0x57, 0x54, 0x83] => (true, None), // Upub, Vpub
        _ => return None,
    })
}

/// Parses what the user typed: an address, an extended public key (with `script` overriding the
/// type its prefix implies) or a descriptor.
pub fn parse(input: &str, script: Option<ScriptType>) -> Result<BitcoinWatch, WalletError> {
    let input = input.trim();
    if input.contains('(') {
        return parse_descriptor(input);
    }
    if let Some(watch) = parse_extended_key(input, script)? {
        return Ok(watch);
    }
    parse_address(input)
}

fn parse_address(input: &str) -> Result<BitcoinWatch, WalletError> {
    let unchecked = Address::from_str(input).map_err(|e| {
        WalletError::Invalid(format!(
            "not a Bitcoin address, extended public key (xpub, ypub, zpub) or descriptor: {e}"
        ))
    })?;
    let network = [
        Network::Bitcoin,
        Network::Testnet,
        Network::Signet,
        Network::Regtest,
    ]
    .into_iter()
    .find(|n| unchecked.is_valid_for_network(*n))
    .unwrap_or(Network::Bitcoin);
    let address = unchecked.assume_checked();
    Ok(BitcoinWatch {
        network,
        watch: address.to_string(),
    })
}

fn parse_extended_key(
    input: &str,
    script: Option<ScriptType>,
) -> Result<Option<BitcoinWatch>, WalletError> {
    let Ok(mut bytes) = base58::decode_check(input) else {
        return Ok(None);
    };
    let Some(version) = bytes.get(..4).and_then(|v| <[u8; 4]>::try_from(v).ok()) else {
        return Ok(None);
    };
    let Some((test, implied)) = xpub_version(version) else {
        return Ok(None);
    };
    let Some(script) = script.or(implied) else {
        return Err(WalletError::Invalid(
            "this is a multisig extended key (Ypub, Zpub …): add the wallet's output descriptor \
             instead, as your wallet software exports it"
                .into(),
        ));
    };
    let standard: [u8; 4] = if test {
        [0x04, 0x35, 0x87, 0xcf]
    } else {
        [0x04, 0x88, 0xb2, 0x1e]
    };
    bytes[..4].copy_from_slice(&standard);
    let xpub = Xpub::decode(&bytes)
        .map_err(|e| WalletError::Invalid(format!("the extended public key is damaged: {e}")))?;
    let network = if test {
        Network::Testnet
    } else {
        Network::Bitcoin
    };
    let external = script.wrap(&format!("{xpub}/0/*"));
    let internal = script.wrap(&format!("{xpub}/1/*"));
    Ok(Some(with_checksums(&[external, internal], network)?))
}

fn parse_descriptor(input: &str) -> Result<BitcoinWatch, WalletError> {
    let descriptor = Descriptor::<DescriptorPublicKey>::from_str(input).map_err(|e| {
        WalletError::Invalid(format!(
            "not a valid output descriptor (a wrong checksum after '#' shows here too): {e}"
        ))
    })?;
    let test = descriptor.for_any_key(|key| match key {
        DescriptorPublicKey::XPub(x) => x.xkey.network == NetworkKind::Test,
        DescriptorPublicKey::MultiXPub(x) => x.xkey.network == NetworkKind::Test,
        DescriptorPublicKey::Single(_) => false,
    });
    let network = if test {
        Network::Testnet
    } else {
        Network::Bitcoin
    };
    let parts: Vec<String> = if descriptor.is_multipath() {
        let singles = descriptor
            .into_single_descriptors()
            .map_err(|e| WalletError::Invalid(format!("the descriptor's paths: {e}")))?;
        if singles.len() != 2 {
            return Err(WalletError::Invalid(
                "a multipath descriptor must have two paths, <receive;change>".into(),
            ));
        }
        singles.iter().map(ToString::to_string).collect()
    } else {
        let receive = descriptor.to_string();
        // A receive chain ending in /0/* has its change chain at /1/*, as every wallet derives it.
        let body = receive.split('#').next().unwrap_or(&receive);
        match body.contains("/0/*") && descriptor.has_wildcard() {
            true => vec![body.to_owned(), body.replace("/0/*", "/1/*")],
            false => vec![body.to_owned()],
        }
    };
    with_checksums(&parts, network)
}

/// Builds the BDK wallet to check the descriptors together (network, distinct chains, an
/// address form) and keeps them in their canonical form with checksums.
fn with_checksums(parts: &[String], network: Network) -> Result<BitcoinWatch, WalletError> {
    let keychains = Keychains::new(&parts.join("\n"), network)?;
    let mut lines = Vec::new();
    for keychain in keychains.descriptors() {
        lines.push(keychain.to_string());
    }
    if keychains.address(KeychainKind::External, 0).is_none() {
        return Err(WalletError::Invalid(
            "this descriptor's scripts have no address form (raw or bare scripts are not \
             supported)"
                .into(),
        ));
    }
    Ok(BitcoinWatch {
        network,
        watch: lines.join("\n"),
    })
}

/// A stored watch, ready to derive scripts.
#[derive(Debug)]
pub(crate) enum Keychains {
    Address(Address, Network),
    Descriptors { wallet: Box<Wallet>, change: bool },
}

impl Keychains {
    /// From the stored form: an address, or one or two descriptors one per line.
    pub(crate) fn new(watch: &str, network: Network) -> Result<Self, WalletError> {
        let lines: Vec<&str> = watch
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let invalid = |e: &dyn std::fmt::Display| WalletError::Invalid(format!("{e}"));
        match lines.as_slice() {
            [single] if !single.contains('(') => {
                let address = Address::from_str(single)
                    .map_err(|e| invalid(&e))?
                    .require_network(network)
                    .map_err(|e| invalid(&e))?;
                Ok(Keychains::Address(address, network))
            }
            [single] => {
                let wallet = Wallet::create_single(single.to_string())
                    .network(network)
                    .create_wallet_no_persist()
                    .map_err(|e| invalid(&e))?;
                Ok(Keychains::Descriptors {
                    wallet: Box::new(wallet),
                    change: false,
                })
            }
            [receive, change] => {
                let wallet = Wallet::create(receive.to_string(), change.to_string())
                    .network(network)
                    .create_wallet_no_persist()
                    .map_err(|e| invalid(&e))?;
                Ok(Keychains::Descriptors {
                    wallet: Box::new(wallet),
                    change: true,
                })
            }
            _ => Err(WalletError::Invalid(
                "a Bitcoin wallet watches one address or one or two descriptors".into(),
            )),
        }
    }

    fn descriptors(&self) -> Vec<String> {
        match self {
            Keychains::Address(address, _) => vec![address.to_string()],
            Keychains::Descriptors { wallet, change } => {
                let mut kinds = vec![KeychainKind::External];
                if *change {
                    kinds.push(KeychainKind::Internal);
                }
                kinds
                    .into_iter()
                    .map(|kind| wallet.public_descriptor(kind).to_string())
                    .collect()
            }
        }
    }

    /// The chains to scan: receive, and change when there is one.
    pub(crate) fn chains(&self) -> Vec<KeychainKind> {
        match self {
            Keychains::Descriptors { change: true, .. } => {
                vec![KeychainKind::External, KeychainKind::Internal]
            }
            _ => vec![KeychainKind::External],
        }
    }

    /// Whether there is more than index 0 (a descriptor with a `*`).
    pub(crate) fn ranged(&self) -> bool {
        match self {
            Keychains::Address(..) => false,
            Keychains::Descriptors { wallet, .. } => wallet
                .public_descriptor(KeychainKind::External)
                .has_wildcard(),
        }
    }

    /// The script at `index` of `chain` (derived directly: BDK's `peek_address` walks from 0 each
    /// time and panics on scripts with no address form).
    pub(crate) fn script(&self, chain: KeychainKind, index: u32) -> Option<ScriptBuf> {
        match self {
            Keychains::Address(address, _) => (index == 0).then(|| address.script_pubkey()),
            Keychains::Descriptors { wallet, .. } => wallet
                .public_descriptor(chain)
                .at_derivation_index(index)
                .ok()
                .map(|d| d.script_pubkey()),
        }
    }

    pub(crate) fn network(&self) -> Network {
        match self {
            Keychains::Address(_, network) => *network,
            Keychains::Descriptors { wallet, .. } => wallet.network(),
        }
    }

    /// The address at `index` of `chain`, if its script has one.
    pub(crate) fn address(&self, chain: KeychainKind, index: u32) -> Option<Address> {
        let script = self.script(chain, index)?;
        Address::from_script(&script, self.network()).ok()
    }
}

/// The network's name as stored.
pub fn network_name(network: Network) -> &'static str {
    match network {
        Network::Testnet | Network::Testnet4 => "testnet",
        Network::Signet => "signet",
        Network::Regtest => "regtest",
        _ => "bitcoin",
    }
}

pub fn network_from_name(name: &str) -> Network {
    match name {
        "testnet" => Network::Testnet,
        "signet" => Network::Signet,
        "regtest" => Network::Regtest,
        _ => Network::Bitcoin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // BIP-84's test vector: the account-0 zpub of "abandon … about".
    const BIP84_ZPUB: &str = "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
    // BIP-86's: the account-0 xpub of the same phrase.
    const BIP86_XPUB: &str = "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ";

    fn addresses(watch: &BitcoinWatch) -> Result<[String; 3], WalletError> {
        let keychains = Keychains::new(&watch.watch, watch.network)?;
        let at = |chain, index| {
            keychains
                .address(chain, index)
                .map(|a| a.to_string())
                .unwrap_or_default()
        };
        Ok([
            at(KeychainKind::External, 0),
            at(KeychainKind::External, 1),
            at(KeychainKind::Internal, 0),
        ])
    }

    #[test]
    fn a_zpub_derives_bip84s_published_addresses() -> Result<(), WalletError> {
        let watch = parse(BIP84_ZPUB, None)?;
        assert_eq!(watch.network, Network::Bitcoin);
        assert_eq!(
            addresses(&watch)?,
            [
                "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
                "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g",
                "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el",
            ]
        );
        Ok(())
    }

    #[test]
    fn a_taproot_descriptor_derives_bip86s_published_addresses() -> Result<(), WalletError> {
        let descriptor = format!("tr([73c5da0a/86h/0h/0h]{BIP86_XPUB}/0/*)");
        let watch = parse(&descriptor, None)?;
        let [first, second, change] = addresses(&watch)?;
        assert_eq!(
            first,
            "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"
        );
        assert_eq!(
            second,
            "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh"
        );
        assert_eq!(
            change,
            "bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7"
        );
        // The same xpub chosen as Taproot gives the same addresses.
        let chosen = parse(BIP86_XPUB, Some(ScriptType::Taproot))?;
        assert_eq!(addresses(&chosen)?[0], first);
        Ok(())
    }

    #[test]
    fn a_descriptor_keeps_a_checksum_and_a_wrong_one_is_refused() -> Result<(), WalletError> {
        let watch = parse(&format!("wpkh({BIP86_XPUB}/0/*)"), None)?;
        let lines: Vec<&str> = watch.watch.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.contains('#')));
        assert!(lines[1].contains("/1/*"));
        let checked = parse(lines[0], None)?;
        assert_eq!(checked.watch, watch.watch);
        let mut wrong = lines[0].to_owned();
        let last = wrong
            .pop()
            .map_or('q', |c| if c == 'q' { 'p' } else { 'q' });
        wrong.push(last);
        assert!(matches!(parse(&wrong, None), Err(WalletError::Invalid(_))));
        Ok(())
    }

    #[test]
    fn a_multipath_descriptor_gives_receive_and_change() -> Result<(), WalletError> {
        let watch = parse(&format!("wpkh({BIP86_XPUB}/<0;1>/*)"), None)?;
        assert_eq!(watch.watch.lines().count(), 2);
        Ok(())
    }

    #[test]
    fn an_address_names_its_network() -> Result<(), WalletError> {
        let main = parse("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", None)?;
        assert_eq!(main.network, Network::Bitcoin);
        let test = parse("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", None)?;
        assert_eq!(test.network, Network::Testnet);
        assert!(parse("bc1qnotanaddress", None).is_err());
        assert!(parse("Zpub74imhgWwMnnRkSPkiNavCQtSBu1fGo8RP96h9eT2GHCgN5eFU9mZVPhGphvGnG26A1cwJxtkmbHR6iLHmTMsN1ebK4MHq6oZtoPP5vaELxw", None).is_err());
        Ok(())
    }

    proptest! {
        #[test]
        fn any_text_is_parsed_or_refused_without_panicking(text in ".{0,300}") {
            let _ = parse(&text, None);
        }

        #[test]
        fn descriptor_like_text_never_panics(inner in "[a-z0-9/*<>;#(),\\[\\]']{0,120}") {
            let _ = parse(&format!("wpkh({inner})"), None);
            let _ = parse(&format!("tr({BIP86_XPUB}/{inner})"), None);
        }
    }
}
