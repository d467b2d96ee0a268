//! An EVM wallet's scan: every chain it is watched on is asked at once (one Multicall3 request
//! each for up to 250 known tokens), and the ledger's balances are made to match the chains that
//! answered. Tokens are those CoinGecko knows on each chain, so a spam airdrop is never counted:
//! without an indexer it is never even asked about; with a Blockscout indexer set for the chain,
//! the indexer says which tokens the address holds, and those no coin matches are listed apart.

use std::collections::BTreeMap;
use std::str::FromStr;

use alloy_primitives::Address;
use futures_util::future::join_all;

use super::blockscout::{Blockscout, Movement};
use super::evm::{self, ChainFound, EvmChain, EvmRpc};
use super::evm_history;
use super::reconcile::{add_balance, reconcile_balances_in, reconcile_in};
use super::scan::{Scan, ScanReport};
use super::tokens::{to_amount, wide_units_text, UnpricedToken};
use super::{db, settings, ChainBalance, WalletError};
use crate::assets::contracts;
use crate::calls::Provider;
use crate::money::Amount;

/// Scans every chain of the wallet; gives the first chain's block. A chain that fails leaves its
/// balances as they were and is named in the error, after the others are written; a chain the
/// wallet is no longer watched on has its balances taken out.
pub(super) async fn scan(scan: &Scan<'_>, report: &mut ScanReport) -> Result<i64, WalletError> {
    let Scan {
        store, wallet, now, ..
    } = *scan;
    let owner = Address::from_str(&wallet.watch)
        .map_err(|_| WalletError::Invalid(format!("'{}' is not an EVM address", wallet.watch)))?;
    let chains = evm::parse_chains(&wallet.network)?;
    let stored = settings::load(store).await?;
    let mut chain_scans = Vec::with_capacity(chains.len());
    for chain in chains {
        let server = |overridden: &BTreeMap<String, String>, set: &BTreeMap<String, String>| {
            overridden
                .get(chain.name())
                .or(set.get(chain.name()))
                .cloned()
        };
        let base = server(&scan.overrides.evm_rpc, &stored.evm_rpc)
            .unwrap_or_else(|| chain.default_rpc().to_owned());
        let rpc = EvmRpc {
            http: scan
                .client(&base, Provider::EvmRpc)?
                .named(format!("the {} RPC server", chain.title())),
            chain,
        };
        let indexer = match server(&scan.overrides.evm_indexer, &stored.evm_indexer) {
            Some(base) => Some(Blockscout {
                http: scan
                    .client(&base, Provider::Blockscout)?
                    .named(format!("the {} Blockscout indexer", chain.title())),
            }),
            None => None,
        };
        let tokens = contracts::on_platform(store.pool(), chain.platform())
            .await
            .map_err(db(store))?;
        let known = tokens
            .into_iter()
            .filter_map(|(address, coin)| Some((Address::from_str(&address).ok()?, coin)))
            .collect();
        chain_scans.push(ChainScan {
            rpc,
            indexer,
            known,
        });
    }
    let about = format!("{} of wallet '{}'", wallet.watch, wallet.name);
    let answers = join_all(chain_scans.iter().map(|c| c.run(owner, &about))).await;
    report.requests = chain_scans.iter().map(ChainScan::requests).sum();

    let prefix = format!("evm:{}:", wallet.account_id);
    let description = format!("Scan of wallet '{}'", wallet.name);
    let mut histories = Vec::new();
    let mut balances = Vec::new();
    let mut covered = Vec::new();
    let mut failures = Vec::new();
    let mut height = None;
    for (answer, chain_scan) in answers.into_iter().zip(&chain_scans) {
        let known = chain_scan.known.as_slice();
        match answer {
            Ok(answer) => {
                let found = &answer.found;
                height.get_or_insert(found.block);
                covered.push(format!("{}:", found.chain.name()));
                report.unpriced_tokens.extend(answer.unpriced);
                balances.extend(chain_balances(found, known, &mut report.unpriced_tokens)?);
                if let Some(moves) = &answer.history {
                    histories.push((
                        found.chain,
                        evm_history::entries(moves, found.chain, known, &prefix),
                    ));
                }
            }
            Err(error) => failures.push((chain_scan.rpc.chain, error)),
        }
    }
    // Chains no longer watched are covered too: their balances leave the ledger.
    for chain in EvmChain::ALL {
        if !chain_scans.iter().any(|c| c.rpc.chain == chain) {
            covered.push(format!("{}:", chain.name()));
        }
    }
    // One transaction: the history first, then the adjustments cover only what it does not show.
    let err = db(store);
    let mut tx = store.pool().begin().await.map_err(&err)?;
    for (chain, entries) in histories {
        let under = format!("{prefix}{}:h:", chain.name());
        let account = wallet.account_id;
        let changes =
            reconcile_in(store, &mut tx, account, &under, entries, &description, now).await?;
        report.changes.added += changes.added;
        report.changes.removed += changes.removed;
        report.changes.batch_id = changes.batch_id.or(report.changes.batch_id);
    }
    if !covered.is_empty() {
        let adjusted = reconcile_balances_in(
            store,
            &mut tx,
            wallet.account_id,
            &prefix,
            (balances, &covered),
            &description,
            now,
        )
        .await?;
        report.changes.added += adjusted.added;
        report.changes.batch_id = adjusted.batch_id.or(report.changes.batch_id);
    }
    tx.commit().await.map_err(&err)?;
    if failures.len() > 1 {
        let names: Vec<&str> = failures.iter().map(|(chain, _)| chain.title()).collect();
        let problems: Vec<String> = failures.iter().map(|(_, e)| e.to_string()).collect();
        return Err(WalletError::Provider {
            provider: format!("The RPC servers of {}", names.join(", ")),
            problem: format!("failed ({})", problems.join(" ")),
        });
    }
    if let Some((_, error)) = failures.pop() {
        return Err(error);
    }
    Ok(height.map_or(0, |h| i64::try_from(h).unwrap_or(i64::MAX)))
}

/// One chain's scan: its RPC server, its indexer if one is set, and the tokens CoinGecko lists
/// on it (address, coin).
struct ChainScan {
    rpc: EvmRpc,
    indexer: Option<Blockscout>,
    known: Vec<(Address, String)>,
}

impl ChainScan {
    /// Asks the chain for the native balance and the known tokens. With an indexer, only the
    /// known tokens it says the address holds are asked about, and the tokens it holds that no
    /// coin matches come back as unpriced.
    async fn run(&self, owner: Address, about: &str) -> Result<ChainAnswer, WalletError> {
        let mut unpriced = Vec::new();
        let tokens: Vec<Address> = match &self.indexer {
            None => self.known.iter().map(|(address, _)| *address).collect(),
            Some(indexer) => {
                let mut asked = Vec::new();
                for held in indexer.tokens(owner, about).await? {
                    if self.known.iter().any(|(address, _)| *address == held.token) {
                        asked.push(held.token);
                    } else {
                        unpriced.push(UnpricedToken {
                            chain: self.rpc.chain.name().to_owned(),
                            token: held.token.to_checksum(None),
                            amount: wide_units_text(held.units, held.decimals),
                        });
                    }
                }
                asked
            }
        };
        let history = match &self.indexer {
            Some(indexer) => Some(indexer.history(owner, about).await?),
            None => None,
        };
        let found = self.rpc.scan(owner, &tokens, about).await?;
        Ok(ChainAnswer {
            found,
            unpriced,
            history,
        })
    }

    fn requests(&self) -> u32 {
        self.rpc.http.requests() + self.indexer.as_ref().map_or(0, |i| i.http.requests())
    }
}

/// What one chain said: balances, tokens no coin matches, and the history if an indexer gave it.
struct ChainAnswer {
    found: ChainFound,
    unpriced: Vec<UnpricedToken>,
    history: Option<Vec<Movement>>,
}

/// One chain's answer as ledger balances, keyed `<chain>:<coin>`; a token whose amount cannot be
/// counted exactly goes to `unpriced` instead.
fn chain_balances(
    found: &ChainFound,
    known: &[(Address, String)],
    unpriced: &mut Vec<UnpricedToken>,
) -> Result<Vec<ChainBalance>, WalletError> {
    let chain: EvmChain = found.chain;
    let mut balances = Vec::new();
    let mut add = |coin: &str, amount: Amount| {
        let balance = ChainBalance {
            key: format!("{}:{coin}", chain.name()),
            asset: coin.to_owned(),
            amount,
            height: found.block,
        };
        add_balance(&mut balances, balance)
    };
    if !found.native.is_zero() {
        let native = u128::try_from(found.native)
            .ok()
            .and_then(|wei| to_amount(wei, 18))
            .ok_or_else(|| {
                WalletError::OutOfRange(format!("the {} balance", chain.native_coin()))
            })?;
        add(chain.native_coin(), native)?;
    }
    for token in &found.tokens {
        let Some(units) = token.units else { continue };
        let coin = known
            .iter()
            .find(|(address, _)| *address == token.token)
            .map(|(_, coin)| coin);
        let counted = match (coin, token.decimals) {
            (Some(coin), Some(decimals)) => u128::try_from(units)
                .ok()
                .and_then(|u| to_amount(u, decimals))
                .map(|amount| (coin, amount)),
            _ => None,
        };
        match counted {
            Some((coin, amount)) => add(coin, amount)?,
            None => unpriced.push(UnpricedToken {
                chain: chain.name().to_owned(),
                token: token.token.to_checksum(None),
                amount: wide_units_text(units, token.decimals),
            }),
        }
    }
    Ok(balances)
}
