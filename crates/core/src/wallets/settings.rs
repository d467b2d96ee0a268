//! The wallet settings kept in the vault: the servers to ask instead of the public ones (your own
//! electrs or mempool for Bitcoin, your own node or provider for Solana and each EVM chain). The
//! environment's variables (`CRYPTO_BALANCE_ESPLORA_URL`, …) win over them.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use specta::Type;

use super::evm::EvmChain;
use super::WalletError;
use crate::settings;
use crate::store::Store;

const ESPLORA_URL: &str = "wallets_esplora_url";
const SOLANA_RPC: &str = "wallets_solana_rpc";

/// The settings key of an EVM chain's RPC server.
fn rpc_key(chain: EvmChain) -> String {
    format!("wallets_rpc_{}", chain.name())
}

/// The settings key of an EVM chain's Blockscout indexer.
fn indexer_key(chain: EvmChain) -> String {
    format!("wallets_indexer_{}", chain.name())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct WalletSettings {
    /// Your own Esplora server; `None` asks Blockstream's public one (mempool.space for signet).
    pub esplora_url: Option<String>,
    /// Your own Solana RPC server; `None` asks Solana's public one.
    #[serde(default)]
    pub solana_rpc: Option<String>,
    /// Your own RPC server per EVM chain (`ethereum`, `base`, …); a chain not named asks its
    /// public one.
    #[serde(default)]
    pub evm_rpc: BTreeMap<String, String>,
    /// A Blockscout-compatible indexer per EVM chain (e.g. `https://eth.blockscout.com`): where
    /// set, it finds every token the address holds, so ones no coin matches are listed apart.
    #[serde(default)]
    pub evm_indexer: BTreeMap<String, String>,
}

pub async fn load(store: &Store) -> Result<WalletSettings, WalletError> {
    let (mut evm_rpc, mut evm_indexer) = (BTreeMap::new(), BTreeMap::new());
    for chain in EvmChain::ALL {
        if let Some(url) = settings::get(store, &rpc_key(chain)).await? {
            evm_rpc.insert(chain.name().to_owned(), url);
        }
        if let Some(url) = settings::get(store, &indexer_key(chain)).await? {
            evm_indexer.insert(chain.name().to_owned(), url);
        }
    }
    Ok(WalletSettings {
        esplora_url: settings::get(store, ESPLORA_URL).await?,
        solana_rpc: settings::get(store, SOLANA_RPC).await?,
        evm_rpc,
        evm_indexer,
    })
}

/// A server address as stored: checked, without a trailing slash; blank is `None`.
pub fn check_server(what: &str, url: Option<&str>) -> Result<Option<String>, WalletError> {
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let usable = url::Url::parse(url)
        .ok()
        .filter(|p| matches!(p.scheme(), "http" | "https") && p.host_str().is_some());
    if usable.is_none() {
        return Err(WalletError::Invalid(format!(
            "the {what} must be an http:// or https:// address, such as http://127.0.0.1:8545 \
             for your own node, not '{}'",
            url.chars().take(100).collect::<String>()
        )));
    }
    Ok(Some(url.trim_end_matches('/').to_owned()))
}

/// Stores the settings; a blank server means the public one again.
pub async fn save(store: &Store, wanted: &WalletSettings) -> Result<WalletSettings, WalletError> {
    let esplora_url = check_server("Esplora server", wanted.esplora_url.as_deref())?;
    let solana_rpc = check_server("Solana RPC server", wanted.solana_rpc.as_deref())?;
    let evm_rpc = checked_per_chain(&wanted.evm_rpc, "RPC server")?;
    let evm_indexer = checked_per_chain(&wanted.evm_indexer, "Blockscout indexer")?;
    let keys: Vec<(String, String)> = EvmChain::ALL
        .iter()
        .map(|c| (rpc_key(*c), indexer_key(*c)))
        .collect();
    let mut writes: Vec<(&str, Option<String>)> = vec![
        (ESPLORA_URL, esplora_url.clone()),
        (SOLANA_RPC, solana_rpc.clone()),
    ];
    for (chain, (rpc, indexer)) in EvmChain::ALL.iter().zip(&keys) {
        writes.push((rpc, evm_rpc.get(chain.name()).cloned()));
        writes.push((indexer, evm_indexer.get(chain.name()).cloned()));
    }
    settings::write_all(store, writes).await?;
    Ok(WalletSettings {
        esplora_url,
        solana_rpc,
        evm_rpc,
        evm_indexer,
    })
}

/// Servers by chain name, each chain known and each address checked.
fn checked_per_chain(
    servers: &BTreeMap<String, String>,
    what: &str,
) -> Result<BTreeMap<String, String>, WalletError> {
    let mut checked = BTreeMap::new();
    for (name, url) in servers {
        let chain = EvmChain::from_str(name)?;
        if let Some(url) = check_server(&format!("{} {what}", chain.title()), Some(url))? {
            checked.insert(chain.name().to_owned(), url);
        }
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::check_server;
    use proptest::prelude::*;

    #[test]
    fn servers_are_http_addresses() {
        let ok = check_server("x", Some(" http://127.0.0.1:3002/ "))
            .ok()
            .flatten();
        assert_eq!(ok.as_deref(), Some("http://127.0.0.1:3002"));
        assert_eq!(check_server("x", Some("  ")).ok(), Some(None));
        assert!(check_server("x", Some("ftp://host")).is_err());
        assert!(check_server("x", Some("127.0.0.1:3002")).is_err());
    }

    proptest! {
        #[test]
        fn any_text_is_checked_without_panicking(text in "\\PC{0,200}") {
            if let Ok(Some(url)) = check_server("x", Some(&text)) {
                prop_assert!(url.starts_with("http"));
            }
        }
    }
}
