//! A Bitcoin wallet's scan: every address up to `gap` past the last one used, on the receive and
//! change chains, asked in shuffled order so the server does not see the wallet's structure in
//! its order of requests; then each transaction's effect on the wallet as ledger entries.

use std::collections::{BTreeMap, HashSet};

use bdk_wallet::KeychainKind;
use rand::seq::SliceRandom;

use super::bitcoin::Keychains;
use super::esplora::{Esplora, Tx};
use super::{ChainEntry, WalletError};
use crate::ledger::EntryKind;
use crate::money::Amount;

/// Requests in flight at once: quick against a local server, polite to a public one.
const IN_FLIGHT: usize = 4;
/// Atoms per satoshi (amounts have 18 decimals, bitcoin 8).
const ATOMS_PER_SAT: i128 = 10_000_000_000;
/// BIP-32's last non-hardened index.
const LAST_INDEX: u32 = (1 << 31) - 1;

/// What a scan found: the tip it started at, the entries the chain says the wallet has, how
/// many addresses had history.
#[derive(Debug)]
pub(crate) struct Found {
    pub height: u64,
    pub entries: Vec<ChainEntry>,
    pub used_addresses: u32,
}

#[derive(Debug, Clone, Copy)]
struct Chain {
    kind: KeychainKind,
    /// The next index to ask about.
    next: u32,
    last_used: Option<u32>,
}

impl Chain {
    /// The last index this chain must ask about: `gap` past the last used one.
    fn end(&self, gap: u32, ranged: bool) -> u32 {
        if !ranged {
            return 0;
        }
        match self.last_used {
            Some(used) => used.saturating_add(gap).min(LAST_INDEX),
            None => gap.saturating_sub(1),
        }
    }
}

pub(crate) async fn scan(
    keychains: &Keychains,
    gap: u32,
    esplora: &Esplora,
    wallet: &str,
    source_prefix: &str,
) -> Result<Found, WalletError> {
    let height = esplora.tip_height(&format!("wallet '{wallet}'")).await?;
    let ranged = keychains.ranged();
    let mut chains: Vec<Chain> = keychains
        .chains()
        .into_iter()
        .map(|kind| Chain {
            kind,
            next: 0,
            last_used: None,
        })
        .collect();
    let mut ours: HashSet<String> = HashSet::new();
    let mut txs: BTreeMap<String, Tx> = BTreeMap::new();
    let mut used_addresses = 0u32;
    loop {
        // One window: up to `gap` indices per chain, never past what the gap rule needs.
        let mut window = Vec::new();
        for (slot, chain) in chains.iter().enumerate() {
            let end = chain.end(gap, ranged);
            let last = end.min(chain.next.saturating_add(gap.max(1) - 1));
            if chain.next > end {
                continue;
            }
            for index in chain.next..=last {
                let script = keychains.script(chain.kind, index).ok_or_else(|| {
                    WalletError::Invalid(format!("cannot derive address {index} of '{wallet}'"))
                })?;
                window.push((slot, index, script));
            }
        }
        if window.is_empty() {
            break;
        }
        window.shuffle(&mut rand::thread_rng());
        let network = keychains.network();
        let mut answers = Vec::with_capacity(window.len());
        for chunk in window.chunks(IN_FLIGHT) {
            // Futures made by a named `async fn` and gathered in a Vec: a stream of closures here
            // makes the scan's future not provably `Send`, which the sync loop's task needs.
            let asks: Vec<_> = chunk
                .iter()
                .map(|(slot, index, script)| ask(esplora, network, wallet, *slot, *index, script))
                .collect();
            answers.extend(futures_util::future::join_all(asks).await);
        }
        for (_, _, script) in &window {
            ours.insert(hex::encode(script.as_bytes()));
        }
        for (slot, index, found) in answers {
            let found = found?;
            let chain = &mut chains[slot];
            if !found.is_empty() {
                used_addresses += 1;
                chain.last_used = chain.last_used.max(Some(index));
            }
            for tx in found {
                txs.insert(tx.txid.clone(), tx);
            }
        }
        for (slot, index, _) in &window {
            let chain = &mut chains[*slot];
            chain.next = chain.next.max(index.saturating_add(1));
        }
    }
    let mut entries = Vec::new();
    for tx in txs.values() {
        entries.extend(entries_of(tx, &ours, source_prefix)?);
    }
    Ok(Found {
        height,
        entries,
        used_addresses,
    })
}

/// One address's transactions, with where it sits.
async fn ask(
    esplora: &Esplora,
    network: bdk_wallet::bitcoin::Network,
    wallet: &str,
    slot: usize,
    index: u32,
    script: &bdk_wallet::bitcoin::ScriptBuf,
) -> (usize, u32, Result<Vec<Tx>, WalletError>) {
    let address = bdk_wallet::bitcoin::Address::from_script(script, network)
        .map_or_else(|_| "a script".to_owned(), |a| a.to_string());
    let about = format!("{address} of wallet '{wallet}'");
    (
        slot,
        index,
        esplora.script_txs(script.as_bytes(), &about).await,
    )
}

/// A transaction's effect on the wallet: what came in, what went out, and the fee when every
/// input was the wallet's (otherwise who paid it is unknown, and only the net is counted).
fn entries_of(
    tx: &Tx,
    ours: &HashSet<String>,
    prefix: &str,
) -> Result<Vec<ChainEntry>, WalletError> {
    let too_large = || WalletError::OutOfRange(format!("transaction {}", tx.txid));
    let mut received: u64 = 0;
    for output in tx.vout.iter().filter(|o| ours.contains(&o.scriptpubkey)) {
        received = received.checked_add(output.value).ok_or_else(too_large)?;
    }
    let mut spent: u64 = 0;
    let mut all_inputs_ours = !tx.vin.is_empty();
    for input in &tx.vin {
        match &input.prevout {
            Some(prev) if ours.contains(&prev.scriptpubkey) => {
                spent = spent.checked_add(prev.value).ok_or_else(too_large)?;
            }
            _ => all_inputs_ours = false,
        }
    }
    let fee = if spent > 0 && all_inputs_ours {
        tx.fee
    } else {
        0
    };
    let net = i128::from(received) - i128::from(spent) + i128::from(fee);
    let at = tx
        .status
        .confirmed
        .then_some(tx.status.block_time)
        .flatten();
    let note = match tx.status.block_height {
        Some(height) if tx.status.confirmed => {
            format!("Bitcoin transaction {} (block {height})", tx.txid)
        }
        _ => format!("Bitcoin transaction {} (unconfirmed)", tx.txid),
    };
    let entry = |suffix: &str, sats: i128, kind| ChainEntry {
        source: format!("{prefix}{}{suffix}", tx.txid),
        asset: "bitcoin".to_owned(),
        amount: Amount::from_atoms(sats * ATOMS_PER_SAT),
        kind,
        at,
        note: note.clone(),
    };
    let mut entries = Vec::new();
    if net > 0 {
        entries.push(entry("", net, EntryKind::Deposit));
    } else if net < 0 {
        entries.push(entry("", net, EntryKind::Withdrawal));
    }
    if fee > 0 {
        entries.push(entry(":fee", -i128::from(fee), EntryKind::Fee));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::super::esplora::{Input, Output, Status};
    use super::*;

    fn output(script: &str, value: u64) -> Output {
        Output {
            scriptpubkey: script.to_owned(),
            value,
        }
    }

    fn tx(vin: Vec<Output>, vout: Vec<Output>, fee: u64) -> Tx {
        Tx {
            txid: "ab".repeat(32),
            vin: vin
                .into_iter()
                .map(|p| Input { prevout: Some(p) })
                .collect(),
            vout,
            fee,
            status: Status {
                confirmed: true,
                block_height: Some(800_000),
                block_time: Some(1_700_000_000),
            },
        }
    }

    fn sats(entries: &[ChainEntry]) -> Vec<(EntryKind, i128)> {
        entries
            .iter()
            .map(|e| (e.kind, e.amount.atoms() / ATOMS_PER_SAT))
            .collect()
    }

    #[test]
    fn a_payment_in_is_a_deposit_and_a_payment_out_a_withdrawal_and_a_fee(
    ) -> Result<(), WalletError> {
        let ours: HashSet<String> = ["aa".to_owned(), "cc".to_owned()].into();
        let incoming = tx(
            vec![output("ff", 60_000)],
            vec![output("aa", 50_000)],
            10_000,
        );
        assert_eq!(
            sats(&entries_of(&incoming, &ours, "btc:1:")?),
            [(EntryKind::Deposit, 50_000)]
        );
        // 50,000 spent: 30,000 to someone, 19,000 back as change, 1,000 fee.
        let outgoing = tx(
            vec![output("aa", 50_000)],
            vec![output("ee", 30_000), output("cc", 19_000)],
            1_000,
        );
        let found = entries_of(&outgoing, &ours, "btc:1:")?;
        assert_eq!(
            sats(&found),
            [(EntryKind::Withdrawal, -30_000), (EntryKind::Fee, -1_000)]
        );
        assert!(found[1].source.ends_with(":fee"));
        // Moving coins between its own addresses costs the wallet only the fee.
        let consolidation = tx(vec![output("aa", 5_000)], vec![output("cc", 4_800)], 200);
        assert_eq!(
            sats(&entries_of(&consolidation, &ours, "btc:1:")?),
            [(EntryKind::Fee, -200)]
        );
        Ok(())
    }

    #[test]
    fn the_gap_rule_asks_gap_past_the_last_used_index() {
        let fresh = Chain {
            kind: KeychainKind::External,
            next: 0,
            last_used: None,
        };
        assert_eq!(fresh.end(20, true), 19);
        let used = Chain {
            last_used: Some(7),
            ..fresh
        };
        assert_eq!(used.end(20, true), 27);
        assert_eq!(used.end(20, false), 0);
    }
}
