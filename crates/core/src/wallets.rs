//! Watch-only wallets: an account of kind `wallet` that a chain provider fills. A scan asks the
//! chain what the wallet holds and turns it into ledger entries whose sources name the chain and
//! transaction (`btc:<account>:<txid>`), so a re-scan adds nothing, and a transaction that left
//! the chain (a reorg, a replaced payment) is taken out again. Only public data is ever kept:
//! [`secret::find_secret`] refuses keys and seed phrases before anything else looks at them.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::accounts::{self, AccountError, AccountKind};
use crate::clock::UnixTime;
use crate::ids::{AccountId, BatchId};
use crate::ledger::EntryKind;
use crate::money::Amount;
use crate::store::{Store, StoreError};

pub mod bitcoin;
mod bitcoin_scan;
mod blockscout;
mod edit;
mod esplora;
pub mod evm;
mod evm_history;
mod evm_scan;
mod http;
mod jsonrpc;
pub mod providers;
mod reconcile;
mod scan;
pub mod secret;
pub mod settings;
pub mod solana;
mod solana_scan;
mod tokens;

pub use edit::{edit, WalletChange};
pub use evm::EvmChain;
pub use providers::{ProviderOverrides, DEFAULT_SOLANA_RPC};
pub(crate) use reconcile::{reconcile, reconcile_balances, ChainBalance};
pub(crate) use scan::scan;
pub use scan::{CoinAmount, ScanReport};
pub use secret::SecretKind;
pub use settings::WalletSettings;
pub use tokens::UnpricedToken;

/// The chains a wallet can be on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WalletChain {
    Bitcoin,
    Evm,
    Solana,
}

impl WalletChain {
    pub fn as_str(self) -> &'static str {
        match self {
            WalletChain::Bitcoin => "bitcoin",
            WalletChain::Evm => "evm",
            WalletChain::Solana => "solana",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "evm" => WalletChain::Evm,
            "solana" => WalletChain::Solana,
            _ => WalletChain::Bitcoin,
        }
    }
}

impl FromStr for WalletChain {
    type Err = WalletError;

    fn from_str(text: &str) -> Result<Self, WalletError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "bitcoin" | "btc" => Ok(WalletChain::Bitcoin),
            "evm" | "ethereum" => Ok(WalletChain::Evm),
            "solana" | "sol" => Ok(WalletChain::Solana),
            _ => Err(WalletError::Invalid(format!(
                "unknown chain '{text}': use bitcoin, evm or solana"
            ))),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    #[error(
        "this looks like {}. Crypto Balance only watches wallets and never wants anything that \
         can spend your coins, so it was not saved or sent anywhere. Give an address, an \
         xpub/ypub/zpub or a descriptor with public keys instead.",
        .0.describe()
    )]
    SecretRefused(SecretKind),
    #[error("{0}")]
    Invalid(String),
    #[error("wallet '{0}' already watches this")]
    Duplicate(String),
    #[error("no wallet named '{0}' (see `crypto-balance wallets list`)")]
    NotFound(String),
    #[error(
        "{provider} {problem}. Check the server in Settings → Wallets (or its environment \
         variable), or try again later."
    )]
    Provider { provider: String, problem: String },
    #[error("{0} holds an amount too large to count exactly")]
    OutOfRange(String),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The most addresses past the last used one that a scan asks about.
pub const MAX_GAP_LIMIT: u32 = 1_000;
pub const DEFAULT_GAP_LIMIT: u32 = 20;

/// A wallet to add, as the user gave it.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct NewWallet {
    pub chain: WalletChain,
    /// An address, an extended public key or a descriptor.
    pub watch: String,
    /// The account's name; `None` names it after the chain and address.
    #[specta(optional)]
    pub name: Option<String>,
    /// Bitcoin xpubs: how addresses are formed (`legacy`, `nested`, `segwit`, `taproot`);
    /// `None` follows the key's prefix.
    #[specta(optional)]
    pub script_type: Option<String>,
    #[specta(optional)]
    pub gap_limit: Option<u32>,
    /// EVM: the chains to watch it on, comma-separated (`ethereum,base`); `None` is all six.
    #[specta(optional)]
    pub chains: Option<String>,
}

/// A wallet as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct Wallet {
    pub account_id: AccountId,
    pub name: String,
    pub chain: WalletChain,
    /// The address, or the receive descriptor (then the change one), one per line.
    pub watch: String,
    /// `bitcoin`, `testnet`, `signet`, `regtest`; `mainnet` on Solana; on EVM the chains,
    /// comma-separated (`ethereum,base`).
    pub network: String,
    /// The first receive address, for the user to compare with their wallet software.
    pub first_address: Option<String>,
    pub gap_limit: u32,
    /// The block the last scan saw.
    pub scanned_height: Option<i64>,
    pub scanned_at: Option<UnixTime>,
    /// Why the last scan failed, if it did.
    pub last_error: Option<String>,
    /// Tokens the last scan found that no coin matches: listed apart, never counted.
    pub unpriced_tokens: Vec<UnpricedToken>,
}

/// An entry the chain says a wallet has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChainEntry {
    pub source: String,
    pub asset: String,
    pub amount: Amount,
    pub kind: EntryKind,
    /// The block's time; `None` while unconfirmed (the first scan's time is kept).
    pub at: Option<i64>,
    pub note: String,
}

/// What one scan changed in the ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct LedgerChanges {
    pub added: u32,
    pub removed: u32,
    /// The batch holding what was added (undo takes it back out until the next scan).
    pub batch_id: Option<BatchId>,
}

/// Checks what the user typed for `chain` and gives the stored form and network. `choice` is the
/// script type for Bitcoin (`None` follows the key's prefix) and the chains for EVM (`None` is
/// all of them).
pub fn parse_watch(
    chain: WalletChain,
    watch: &str,
    choice: Option<&str>,
) -> Result<(String, String), WalletError> {
    if let Some(kind) = secret::find_secret(watch) {
        return Err(WalletError::SecretRefused(kind));
    }
    match chain {
        WalletChain::Bitcoin => {
            let script = choice
                .filter(|s| !s.trim().is_empty())
                .map(bitcoin::ScriptType::from_str)
                .transpose()?;
            let parsed = bitcoin::parse(watch, script)?;
            Ok((
                parsed.watch,
                bitcoin::network_name(parsed.network).to_owned(),
            ))
        }
        WalletChain::Solana => Ok((solana::parse(watch)?, "mainnet".to_owned())),
        WalletChain::Evm => Ok((
            evm::parse(watch)?,
            evm::chains_text(&evm::parse_chains(choice.unwrap_or(""))?),
        )),
    }
}

/// The first receive address of a stored watch, if it has one.
pub fn first_address(chain: WalletChain, watch: &str, network: &str) -> Option<String> {
    match chain {
        WalletChain::Bitcoin => bitcoin::Keychains::new(watch, bitcoin::network_from_name(network))
            .ok()?
            .address(bdk_wallet::KeychainKind::External, 0)
            .map(|a| a.to_string()),
        WalletChain::Evm | WalletChain::Solana => Some(watch.to_owned()),
    }
}

fn default_name(chain: WalletChain, first: Option<&str>) -> String {
    let label = match chain {
        WalletChain::Bitcoin => "Bitcoin",
        WalletChain::Evm => "EVM",
        WalletChain::Solana => "Solana",
    };
    match first {
        Some(address) if address.chars().count() > 12 => {
            let head: String = address.chars().take(6).collect();
            let tail: String = address
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("{label} {head}…{tail}")
        }
        Some(address) => format!("{label} {address}"),
        None => format!("{label} wallet"),
    }
}

fn db(store: &Store) -> impl Fn(sqlx::Error) -> WalletError + '_ {
    move |e| WalletError::Store(store.error(e))
}

/// Adds the wallet and its account in one transaction.
pub async fn add(store: &Store, new: &NewWallet, now: i64) -> Result<Wallet, WalletError> {
    let choice = match new.chain {
        WalletChain::Evm => new.chains.as_deref(),
        _ => new.script_type.as_deref(),
    };
    let (watch, network) = parse_watch(new.chain, &new.watch, choice)?;
    let gap_limit = new.gap_limit.unwrap_or(DEFAULT_GAP_LIMIT);
    if !(1..=MAX_GAP_LIMIT).contains(&gap_limit) {
        return Err(WalletError::Invalid(format!(
            "the gap limit must be between 1 and {MAX_GAP_LIMIT}, not {gap_limit}"
        )));
    }
    let first = first_address(new.chain, &watch, &network);
    let name = match new.name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => default_name(new.chain, first.as_deref()),
    };
    let mut tx = store.pool().begin().await.map_err(db(store))?;
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT a.name FROM wallets w JOIN accounts a ON a.id = w.account_id \
         WHERE w.chain = ? AND w.watch = ?",
    )
    .bind(new.chain.as_str())
    .bind(&watch)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db(store))?;
    if let Some(existing) = existing {
        return Err(WalletError::Duplicate(existing));
    }
    let account = accounts::create_in(store, &mut tx, &name, AccountKind::Wallet, now).await?;
    sqlx::query(
        "INSERT INTO wallets (account_id, chain, watch, network, gap_limit, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(account.id)
    .bind(new.chain.as_str())
    .bind(&watch)
    .bind(&network)
    .bind(gap_limit)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db(store))?;
    tx.commit().await.map_err(db(store))?;
    Ok(Wallet {
        account_id: account.id,
        name: account.name,
        chain: new.chain,
        watch,
        network,
        first_address: first,
        gap_limit,
        scanned_height: None,
        scanned_at: None,
        last_error: None,
        unpriced_tokens: Vec::new(),
    })
}

type WalletRow = (
    AccountId,
    String,
    String,
    String,
    String,
    u32,
    Option<i64>,
    Option<i64>,
    Option<String>,
    String,
);

fn wallet_of(row: WalletRow) -> Wallet {
    let (account_id, name, chain, watch, network, gap_limit, height, at, error, unpriced) = row;
    let chain = WalletChain::parse(&chain);
    Wallet {
        first_address: first_address(chain, &watch, &network),
        account_id,
        name,
        chain,
        watch,
        network,
        gap_limit,
        scanned_height: height,
        scanned_at: at.map(UnixTime::from_seconds),
        last_error: error,
        unpriced_tokens: serde_json::from_str(&unpriced).unwrap_or_default(),
    }
}

const SELECT: &str = "SELECT w.account_id, a.name, w.chain, w.watch, w.network, w.gap_limit, \
     w.scanned_height, w.scanned_at, w.last_error, w.unpriced FROM wallets w JOIN accounts a ON a.id = w.account_id";

/// Every wallet, by name.
pub async fn list(store: &Store) -> Result<Vec<Wallet>, WalletError> {
    let rows: Vec<WalletRow> = sqlx::query_as(&format!("{SELECT} ORDER BY a.name"))
        .fetch_all(store.pool())
        .await
        .map_err(db(store))?;
    Ok(rows.into_iter().map(wallet_of).collect())
}

/// The wallet with this name (case-insensitive).
pub async fn find(store: &Store, name: &str) -> Result<Wallet, WalletError> {
    let row: Option<WalletRow> = sqlx::query_as(&format!("{SELECT} WHERE a.name = ?"))
        .bind(name.trim())
        .fetch_optional(store.pool())
        .await
        .map_err(db(store))?;
    row.map(wallet_of)
        .ok_or_else(|| WalletError::NotFound(name.trim().to_owned()))
}

/// Removes a wallet with its account and every entry its scans wrote, in one transaction.
pub async fn remove(store: &Store, name: &str) -> Result<Wallet, WalletError> {
    let wallet = find(store, name).await?;
    let mut tx = store.pool().begin().await.map_err(db(store))?;
    for statement in [
        "DELETE FROM entries WHERE account_id = ?",
        "DELETE FROM balances WHERE account_id = ?",
        "DELETE FROM wallets WHERE account_id = ?",
        "DELETE FROM accounts WHERE id = ?",
    ] {
        sqlx::query(statement)
            .bind(wallet.account_id)
            .execute(&mut *tx)
            .await
            .map_err(db(store))?;
    }
    tx.commit().await.map_err(db(store))?;
    Ok(wallet)
}

/// Notes how a scan ended: the height it saw and the tokens it could not count, or why it failed
/// (the rest stays as it was).
pub(crate) async fn record_scan(
    store: &Store,
    account: AccountId,
    outcome: Result<(i64, &[UnpricedToken]), &str>,
    now: i64,
) -> Result<(), WalletError> {
    let query = match outcome {
        Ok((height, unpriced)) => sqlx::query(
            "UPDATE wallets SET scanned_height = ?, scanned_at = ?, last_error = NULL, \
             unpriced = ? WHERE account_id = ?",
        )
        .bind(height)
        .bind(now)
        .bind(serde_json::to_string(unpriced).unwrap_or_else(|_| "[]".to_owned())),
        Err(error) => sqlx::query("UPDATE wallets SET last_error = ? WHERE account_id = ?")
            .bind(error.to_owned()),
    };
    query
        .bind(account)
        .execute(store.pool())
        .await
        .map_err(db(store))?;
    Ok(())
}

/// The coins a wallet's account holds now, by coin id.
pub(crate) async fn balances(
    store: &Store,
    account: AccountId,
) -> Result<BTreeMap<String, Amount>, WalletError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT asset_id, amount FROM balances WHERE account_id = ?")
            .bind(account)
            .fetch_all(store.pool())
            .await
            .map_err(db(store))?;
    Ok(rows
        .into_iter()
        .filter_map(|(asset, amount)| Some((asset, amount.parse().ok()?)))
        .filter(|(_, amount): &(String, Amount)| !amount.is_zero())
        .collect())
}
