//! An EVM address's history from its indexer, as ledger entries: each native value in or out,
//! each fee the address paid, each transfer of a token CoinGecko knows. Sources name the chain
//! and the movement (`evm:<account>:<chain>:h:tx:<hash>`, `…:h:fee:<hash>`,
//! `…:h:log:<hash>:<index>`), so a re-scan adds nothing; the balance adjustment that follows
//! covers what a history cannot show (internal transfers, rebasing tokens, pages beyond the cap).

use alloy_primitives::Address;

use super::blockscout::Movement;
use super::evm::EvmChain;
use super::tokens::to_amount;
use super::ChainEntry;
use crate::ledger::EntryKind;

/// The entries of `moves` on `chain`; `known` maps token contracts to coins, and a token it
/// lacks, or an amount that cannot be counted exactly, gives no entry.
pub(crate) fn entries(
    moves: &[Movement],
    chain: EvmChain,
    known: &[(Address, String)],
    prefix: &str,
) -> Vec<ChainEntry> {
    moves
        .iter()
        .filter_map(|movement| {
            let asset = match movement.token {
                None => chain.native_coin().to_owned(),
                Some(token) => known.iter().find(|(a, _)| *a == token)?.1.clone(),
            };
            let units = u128::try_from(movement.units).ok()?;
            let amount = to_amount(units, movement.decimals?)?;
            let (amount, kind) = match (movement.incoming, movement.fee) {
                (true, _) => (amount, EntryKind::Deposit),
                (false, true) => (amount.checked_neg()?, EntryKind::Fee),
                (false, false) => (amount.checked_neg()?, EntryKind::Withdrawal),
            };
            let what = if movement.fee { "fee" } else { "transaction" };
            Some(ChainEntry {
                source: format!("{prefix}{}:h:{}", chain.name(), movement.id),
                asset,
                amount,
                kind,
                at: movement.at,
                note: format!("{} {what} {}", chain.title(), short(&movement.id)),
            })
        })
        .collect()
}

/// The hash of a movement's id, shortened for a note: `0x1234…abcd`.
fn short(id: &str) -> String {
    let hash = id.split(':').nth(1).unwrap_or(id);
    match (hash.get(..6), hash.get(hash.len().saturating_sub(4)..)) {
        (Some(head), Some(tail)) if hash.len() > 12 => format!("{head}…{tail}"),
        _ => hash.to_owned(),
    }
}
