//! Changing a watched wallet in place: its name, its gap limit (Bitcoin) and its chains (EVM),
//! in one transaction. What it watches is not editable: a different address is another wallet.

use serde::Deserialize;
use specta::Type;

use super::{db, evm, find, Wallet, WalletChain, WalletError, MAX_GAP_LIMIT};
use crate::accounts::{self, AccountError};
use crate::store::{is_unique_violation, Store};

/// What to change; `None` keeps it.
#[derive(Debug, Clone, Default, Deserialize, Type, utoipa::ToSchema)]
pub struct WalletChange {
    #[specta(optional)]
    pub name: Option<String>,
    /// Bitcoin wallets only.
    #[specta(optional)]
    pub gap_limit: Option<u32>,
    /// EVM wallets only: the chains, comma-separated.
    #[specta(optional)]
    pub chains: Option<String>,
}

/// Applies `change` to the wallet named `name`. A rename carries the wallet's alert rules along.
/// New chains are read at the next scan; a chain left out has its balances taken out then.
pub async fn edit(store: &Store, name: &str, change: &WalletChange) -> Result<Wallet, WalletError> {
    let wallet = find(store, name).await?;
    let new_name = change
        .name
        .as_deref()
        .map(accounts::clean_name)
        .transpose()?;
    let gap_limit = match (change.gap_limit, wallet.chain) {
        (None, _) => wallet.gap_limit,
        (Some(gap), WalletChain::Bitcoin) if (1..=MAX_GAP_LIMIT).contains(&gap) => gap,
        (Some(gap), WalletChain::Bitcoin) => {
            return Err(WalletError::Invalid(format!(
                "the gap limit must be between 1 and {MAX_GAP_LIMIT}, not {gap}"
            )))
        }
        (Some(_), _) => {
            return Err(WalletError::Invalid(
                "only Bitcoin wallets have a gap limit".into(),
            ))
        }
    };
    let network = match (change.chains.as_deref(), wallet.chain) {
        (None, _) => wallet.network.clone(),
        (Some(chains), WalletChain::Evm) => evm::chains_text(&evm::parse_chains(chains)?),
        (Some(_), _) => {
            return Err(WalletError::Invalid(
                "only EVM wallets are watched on chains of your choice".into(),
            ))
        }
    };
    let err = db(store);
    let mut tx = store.pool().begin().await.map_err(&err)?;
    if let Some(new_name) = new_name.as_deref().filter(|n| *n != wallet.name) {
        sqlx::query("UPDATE accounts SET name = ? WHERE id = ?")
            .bind(new_name)
            .bind(wallet.account_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match is_unique_violation(&e) {
                true => WalletError::Account(AccountError::Duplicate(new_name.to_owned())),
                false => err(e),
            })?;
        // The rules' identity is "wallet_changed||<name>|<currency>|0": the name in it moves too.
        let prefix = "wallet_changed||";
        sqlx::query(
            "UPDATE alerts SET account = ?1, identity = ?2 || ?1 || \
             substr(identity, length(?2) + length(account) + 1) \
             WHERE kind = 'wallet_changed' AND account = ?3",
        )
        .bind(new_name)
        .bind(prefix)
        .bind(&wallet.name)
        .execute(&mut *tx)
        .await
        .map_err(&err)?;
    }
    sqlx::query("UPDATE wallets SET gap_limit = ?, network = ? WHERE account_id = ?")
        .bind(gap_limit)
        .bind(&network)
        .bind(wallet.account_id)
        .execute(&mut *tx)
        .await
        .map_err(&err)?;
    tx.commit().await.map_err(&err)?;
    find(store, new_name.as_deref().unwrap_or(&wallet.name)).await
}
