//! One wallet's scan from start to end: ask its chain, make the ledger match, note the outcome.

use std::sync::Arc;

use serde::Serialize;
use specta::Type;

use super::bitcoin::{network_from_name, Keychains};
use super::esplora::Esplora;
use super::http::ChainHttp;
use super::providers::{default_esplora, ProviderOverrides};
use super::tokens::UnpricedToken;
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
    /// How much each coin whose balance the scan changed went up (or down, negative).
    pub changed: Vec<CoinAmount>,
    /// Requests sent to the provider.
    pub requests: u32,
    /// The block (or slot) the scan saw.
    pub height: Option<i64>,
    pub changes: LedgerChanges,
    /// Addresses with any history (Bitcoin).
    pub used_addresses: u32,
    /// Tokens found that no coin matches: listed apart, never counted (a token without a price
    /// must not inflate a portfolio).
    pub unpriced_tokens: Vec<UnpricedToken>,
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
        changed: Vec::new(),
        requests: 0,
        height: None,
        changes: LedgerChanges::default(),
        used_addresses: 0,
        unpriced_tokens: Vec::new(),
        error: None,
    };
    let before = balances(store, wallet.account_id).await?;
    let context = Scan {
        store,
        wallet,
        overrides,
        log,
        now,
    };
    let outcome = match wallet.chain {
        WalletChain::Bitcoin => scan_bitcoin(&context, &mut report).await,
        WalletChain::Solana => super::solana_scan::scan(&context, &mut report).await,
        WalletChain::Evm => super::evm_scan::scan(&context, &mut report).await,
    };
    match outcome {
        Ok(height) => {
            report.height = Some(height);
            let outcome = Ok((height, report.unpriced_tokens.as_slice()));
            record_scan(store, wallet.account_id, outcome, now).await?;
        }
        Err(WalletError::Store(error)) => return Err(WalletError::Store(error)),
        Err(error) => {
            let message = error.to_string();
            record_scan(store, wallet.account_id, Err(&message), now).await?;
            report.error = Some(message);
        }
    }
    let after = balances(store, wallet.account_id).await?;
    let coins = before
        .keys()
        .chain(after.keys())
        .collect::<std::collections::BTreeSet<_>>();
    for coin in coins {
        let (was, is) = (
            before.get(coin).copied().unwrap_or(Amount::ZERO),
            after.get(coin).copied().unwrap_or(Amount::ZERO),
        );
        if let Some(change) = is.checked_sub(was).filter(|c| !c.is_zero()) {
            report.changed.push(CoinAmount {
                coin: coin.clone(),
                amount: change,
            });
        }
    }
    report.coins = after
        .into_iter()
        .map(|(coin, amount)| CoinAmount { coin, amount })
        .collect();
    Ok(report)
}

/// What every chain's scan works with.
#[derive(Clone, Copy)]
pub(super) struct Scan<'a> {
    pub store: &'a Store,
    pub wallet: &'a Wallet,
    pub overrides: &'a ProviderOverrides,
    pub log: &'a Arc<RequestLog>,
    pub now: i64,
}

impl Scan<'_> {
    /// The provider's client: the proxy, the timeout and the privacy log as configured.
    pub(super) fn client(&self, base: &str, provider: Provider) -> Result<ChainHttp, WalletError> {
        ChainHttp::new(
            base,
            provider,
            self.log.clone(),
            self.overrides.proxy.as_deref(),
            self.overrides.timeout(),
        )
    }
}

async fn scan_bitcoin(scan: &Scan<'_>, report: &mut ScanReport) -> Result<i64, WalletError> {
    let Scan {
        store, wallet, now, ..
    } = *scan;
    let keychains = Keychains::new(&wallet.watch, network_from_name(&wallet.network))?;
    let base = scan
        .overrides
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
    let http = scan.client(&base, Provider::Esplora)?;
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
