//! Where each chain is asked: the user's own server when set, a public default otherwise, and the
//! environment's choice above both (tests point every provider at a local fake this way).

use std::collections::BTreeMap;
use std::time::Duration;

use super::evm::EvmChain;
use super::http::TIMEOUT;

/// Endpoints and proxy from the environment, which win over stored settings.
#[derive(Debug, Clone, Default)]
pub struct ProviderOverrides {
    /// `CRYPTO_BALANCE_ESPLORA_URL`
    pub esplora_url: Option<String>,
    /// `CRYPTO_BALANCE_SOLANA_RPC`
    pub solana_rpc: Option<String>,
    /// `CRYPTO_BALANCE_RPC_<CHAIN>` (e.g. `CRYPTO_BALANCE_RPC_BASE`), by chain name.
    pub evm_rpc: BTreeMap<String, String>,
    /// `CRYPTO_BALANCE_INDEXER_<CHAIN>`: a Blockscout-compatible indexer, by chain name.
    pub evm_indexer: BTreeMap<String, String>,
    /// `CRYPTO_BALANCE_PROXY`, e.g. `socks5h://127.0.0.1:9050` for Tor.
    pub proxy: Option<String>,
    /// Per-request timeout; `None` means 30 s.
    pub timeout: Option<Duration>,
}

pub const ESPLORA_ENV: &str = "CRYPTO_BALANCE_ESPLORA_URL";
pub const SOLANA_ENV: &str = "CRYPTO_BALANCE_SOLANA_RPC";
pub use crate::calls::PROXY_ENV;

impl ProviderOverrides {
    /// What the environment sets (blank values count as unset).
    pub fn from_env() -> Self {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v: &String| !v.trim().is_empty())
        };
        Self {
            esplora_url: var(ESPLORA_ENV),
            solana_rpc: var(SOLANA_ENV),
            evm_rpc: EvmChain::ALL
                .iter()
                .filter_map(|chain| Some((chain.name().to_owned(), var(&chain.env_var())?)))
                .collect(),
            evm_indexer: EvmChain::ALL
                .iter()
                .filter_map(|chain| Some((chain.name().to_owned(), var(&chain.indexer_env_var())?)))
                .collect(),
            proxy: var(PROXY_ENV),
            timeout: None,
        }
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout.unwrap_or(TIMEOUT)
    }
}

/// Solana's public RPC server.
pub const DEFAULT_SOLANA_RPC: &str = "https://api.mainnet-beta.solana.com";

/// The public Esplora server for a Bitcoin network (Blockstream's; mempool.space for signet).
pub fn default_esplora(network: &str) -> Option<&'static str> {
    match network {
        "bitcoin" => Some("https://blockstream.info/api"),
        "testnet" => Some("https://blockstream.info/testnet/api"),
        "signet" => Some("https://mempool.space/signet/api"),
        _ => None,
    }
}
