//! The wallet settings kept in the vault: the Esplora server to ask instead of the public one
//! (your own electrs or mempool). The environment's `CRYPTO_BALANCE_ESPLORA_URL` wins over it.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::WalletError;
use crate::settings;
use crate::store::Store;

const ESPLORA_URL: &str = "wallets_esplora_url";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct WalletSettings {
    /// Your own Esplora server; `None` asks Blockstream's public one (mempool.space for signet).
    pub esplora_url: Option<String>,
}

pub async fn load(store: &Store) -> Result<WalletSettings, WalletError> {
    Ok(WalletSettings {
        esplora_url: settings::get(store, ESPLORA_URL).await?,
    })
}

/// Stores the settings; a blank server means the public one again.
pub async fn save(store: &Store, wanted: &WalletSettings) -> Result<WalletSettings, WalletError> {
    let url = wanted
        .esplora_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    if let Some(url) = url {
        let parsed = url::Url::parse(url).map_err(|e| {
            WalletError::Invalid(format!("the Esplora server '{url}' is not an address: {e}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(WalletError::Invalid(format!(
                "the Esplora server must be an http:// or https:// address, such as \
                 http://127.0.0.1:3002 for electrs, not '{url}'"
            )));
        }
    }
    let value = url.map(|u| u.trim_end_matches('/').to_owned());
    settings::write_all(store, vec![(ESPLORA_URL, value.clone())]).await?;
    Ok(WalletSettings { esplora_url: value })
}
