//! Which withdrawals are transfers between the person's own accounts: a withdrawal of a coin
//! matched to a deposit of the same coin in another account, linked by the exchange's or chain's
//! id, or arriving within three days for the amount less at most 5% of fees. A transfer moves lots
//! with their cost; it is not a disposal.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::LotEntry;
use crate::clock::SECONDS_PER_DAY;
use crate::ledger::EntryKind;

/// How long a deposit may arrive after its withdrawal.
const WINDOW_SECONDS: i64 = 3 * SECONDS_PER_DAY;

/// The share of a withdrawal the network or exchange may keep as fees.
const MAX_FEE_SHARE: Decimal = Decimal::from_parts(5, 0, 0, false, 2);

fn is_withdrawal(e: &LotEntry) -> bool {
    !e.fiat
        && e.amount.is_negative()
        && matches!(e.kind, EntryKind::Withdrawal | EntryKind::Transfer)
}

fn is_deposit(e: &LotEntry) -> bool {
    !e.fiat
        && !e.amount.is_negative()
        && !e.amount.is_zero()
        && matches!(e.kind, EntryKind::Deposit | EntryKind::Transfer)
}

/// Whether `deposit` can be what arrived of `withdrawal` without a link.
fn fits(withdrawal: &LotEntry, deposit: &LotEntry) -> bool {
    let sent = withdrawal.amount.to_decimal().abs();
    let got = deposit.amount.to_decimal();
    let least = sent - sent * MAX_FEE_SHARE;
    deposit.at >= withdrawal.at
        && deposit.at - withdrawal.at <= WINDOW_SECONDS
        && got <= sent
        && got >= least
}

/// Matched pairs, withdrawal index to deposit index. `order` is the engine's order of `entries`,
/// so the earliest candidates pair first whatever order the entries arrived in.
/// `coin` numbers each entry's coin.
pub(super) fn matches(
    entries: &[LotEntry],
    coin: &[u32],
    order: &[usize],
) -> HashMap<usize, usize> {
    let mut pairs = HashMap::new();
    let mut used: HashSet<usize> = HashSet::new();
    let mut by_link: HashMap<(u32, &str), Vec<usize>> = HashMap::new();
    let mut by_asset: HashMap<u32, Vec<usize>> = HashMap::new();
    for &i in order {
        let e = &entries[i];
        if is_deposit(e) {
            if let Some(link) = &e.link {
                by_link.entry((coin[i], link)).or_default().push(i);
            }
            by_asset.entry(coin[i]).or_default().push(i);
        }
    }
    let withdrawals = order
        .iter()
        .copied()
        .filter(|&i| is_withdrawal(&entries[i]));
    // Links first: they are certain, and must not lose their deposit to a guess.
    let mut unlinked = Vec::new();
    for w in withdrawals {
        let e = &entries[w];
        let linked = e.link.as_deref().and_then(|link| {
            by_link.get(&(coin[w], link))?.iter().copied().find(|&d| {
                !used.contains(&d) && entries[d].account != e.account && entries[d].at >= e.at
            })
        });
        match linked {
            Some(d) => {
                used.insert(d);
                pairs.insert(w, d);
            }
            None => unlinked.push(w),
        }
    }
    for w in unlinked {
        let e = &entries[w];
        let Some(deposits) = by_asset.get(&coin[w]) else {
            continue;
        };
        let start = deposits.partition_point(|&d| entries[d].at < e.at);
        let found = deposits[start..]
            .iter()
            .copied()
            .take_while(|&d| entries[d].at - e.at <= WINDOW_SECONDS)
            .find(|&d| {
                !used.contains(&d) && entries[d].account != e.account && fits(e, &entries[d])
            });
        if let Some(d) = found {
            used.insert(d);
            pairs.insert(w, d);
        }
    }
    pairs
}
