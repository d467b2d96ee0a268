//! One wallet's scan from start to end: ask its chain, make the ledger match, note the outcome.

use std::sync::Arc;

use serde::Serialize;
use specta::Type;

use super::bitcoin::{network_from_name, Keychains};
use super::esplora::Esplora;
use super::http::ChainHttp;
use super::providers::{default_esplora, ProviderOverrides};
use super::{
    balances, bitcoin_scan, reconcile, record_scan, LedgerChanges, Wallet, WalletChain, WalletError,
};
use crate::calls::{Provider, RequestLog};
use crate::money::Amount;
use crate::store::Store;

/// What one coin amounts to in a wallet after a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct CoinAmount {
    pub coin: String,
    pub amount: Amount,
}

/// How a wallet's scan went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct ScanReport {
    pub wallet: String,
    pub chain: WalletChain,
    /// What the wallet holds now, by coin.
    pub coins: Vec<CoinAmount>,
    /// Requests sent to the provider.
    pub requests: u32,
    /// The block (or slot) the scan saw.
    pub height: Option<i64>,
    pub changes: LedgerChanges,
    /// Addresses with any history (Bitcoin).
    pub used_addresses: u32,
    /// Why the scan failed; the ledger is then as it was.
    pub error: Option<String>,
}

/// Scans `wallet` and records the outcome on it; a provider's failure is the report's `error`,
/// while a failure to write the vault is the caller's.
pub(crate) async fn scan(
    store: &Store,
    wallet: &Wallet,
    overrides: &ProviderOverrides,
    log: &Arc<RequestLog>,
    now: i64,
) -> Result<ScanReport, WalletError> {
    let mut report = ScanReport {
        wallet: wallet.name.clone(),
        chain: wallet.chain,
        coins: Vec::new(),
        requests: 0,
        height: None,
        changes: LedgerChanges::default(),
        used_addresses: 0,
        error: None,
    };
    let outcome = match wallet.chain {
        WalletChain::Bitcoin => scan_bitcoin(store, wallet, overrides, log, now, &mut report).await,
        WalletChain::Evm | WalletChain::Solana => Err(WalletError::Invalid(
            "only Bitcoin wallets can be scanned in this version".into(),
        )),
    };
    match outcome {
        Ok(height) => {
            report.height = Some(height);
            record_scan(store, wallet.account_id, Ok(height), now).await?;
        }
        Err(WalletError::Store(error)) => return Err(WalletError::Store(error)),
        Err(error) => {
            let message = error.to_string();
            record_scan(store, wallet.account_id, Err(&message), now).await?;
            report.error = Some(message);
        }
    }
    report.coins = balances(store, wallet.account_id)
        .await?
        .into_iter()
        .map(|(coin, amount)| CoinAmount { coin, amount })
        .collect();
    Ok(report)
}

async fn scan_bitcoin(
    store: &Store,
    wallet: &Wallet,
    overrides: &ProviderOverrides,
    log: &Arc<RequestLog>,
    now: i64,
    report: &mut ScanReport,
) -> Result<i64, WalletError> {
    let keychains = Keychains::new(&wallet.watch, network_from_name(&wallet.network))?;
    let base = overrides
        .esplora_url
        .clone()
        .or(super::settings::load(store).await?.esplora_url)
        .or_else(|| default_esplora(&wallet.network).map(str::to_owned))
        .ok_or_else(|| {
            WalletError::Invalid(format!(
                "no public Esplora server serves {}: set your own in Settings → Wallets",
                wallet.network
            ))
        })?;
    let http = ChainHttp::new(
        &base,
        Provider::Esplora,
        log.clone(),
        overrides.proxy.as_deref(),
        overrides.timeout(),
    )?;
    let esplora = Esplora { http };
    let prefix = format!("btc:{}:", wallet.account_id);
    let found = bitcoin_scan::scan(
        &keychains,
        wallet.gap_limit,
        &esplora,
        &wallet.name,
        &prefix,
    )
    .await;
    report.requests = esplora.http.requests();
    let found = found?;
    report.used_addresses = found.used_addresses;
    let description = format!("Scan of wallet '{}'", wallet.name);
    report.changes = reconcile(
        store,
        wallet.account_id,
        &prefix,
        found.entries,
        &description,
        now,
    )
    .await?;
    Ok(i64::try_from(found.height).unwrap_or(i64::MAX))
}
