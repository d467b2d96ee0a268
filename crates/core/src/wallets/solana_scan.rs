//! A Solana address's scan: its SOL and SPL tokens by mint, the mints CoinGecko names counted as
//! their coins and the others kept as unpriced tokens, and the ledger's balances made to match.

use super::providers::DEFAULT_SOLANA_RPC;
use super::reconcile::add_balance;
use super::scan::{Scan, ScanReport};
use super::solana::{SolanaRpc, ATOMS_PER_LAMPORT};
use super::tokens::{to_amount, units_text, UnpricedToken};
use super::{db, reconcile_balances, settings, ChainBalance, WalletError};
use crate::assets::contracts;
use crate::calls::Provider;
use crate::money::Amount;

pub(super) async fn scan(scan: &Scan<'_>, report: &mut ScanReport) -> Result<i64, WalletError> {
    let Scan {
        store, wallet, now, ..
    } = *scan;
    let stored = settings::load(store).await?;
    let base = scan
        .overrides
        .solana_rpc
        .as_deref()
        .or(stored.solana_rpc.as_deref())
        .unwrap_or(DEFAULT_SOLANA_RPC);
    let http = scan.client(base, Provider::SolanaRpc)?;
    let rpc = SolanaRpc { http };
    let found = rpc.scan(&wallet.watch, &wallet.name).await;
    report.requests = rpc.http.requests();
    let found = found?;
    let mints: Vec<String> = found.tokens.keys().cloned().collect();
    let coins = contracts::coins_of(store.pool(), "solana", &mints)
        .await
        .map_err(db(store))?;
    let lamports = i128::from(found.lamports);
    let mut balances = vec![ChainBalance {
        key: "solana".to_owned(),
        asset: "solana".to_owned(),
        amount: Amount::from_atoms(lamports * ATOMS_PER_LAMPORT),
        height: found.slot,
    }];
    for (mint, token) in &found.tokens {
        let counted = coins.get(mint).zip(to_amount(token.units, token.decimals));
        match counted {
            Some((coin, amount)) if coin != "solana" => {
                let balance = ChainBalance {
                    key: coin.clone(),
                    asset: coin.clone(),
                    amount,
                    height: found.slot,
                };
                add_balance(&mut balances, balance)?;
            }
            _ => report.unpriced_tokens.push(UnpricedToken {
                chain: "solana".to_owned(),
                token: mint.clone(),
                amount: units_text(token.units, token.decimals),
            }),
        }
    }
    let prefix = format!("sol:{}:", wallet.account_id);
    let description = format!("Scan of wallet '{}'", wallet.name);
    report.changes = reconcile_balances(
        store,
        wallet.account_id,
        &prefix,
        (balances, &[String::new()]),
        &description,
        now,
    )
    .await?;
    Ok(i64::try_from(found.slot).unwrap_or(i64::MAX))
}
