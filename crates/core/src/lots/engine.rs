//! The fold: entries in time order into open lots, disposals and removals.
//!
//! The order is when each entry occurred, then matched withdrawals (so their lots are in transit
//! before a deposit at the same second), then acquisitions before disposals, then the entry's
//! content, then its id: nothing about the order rows arrived in.
//!
//! Before the fold, each trade (the entries one account wrote at one moment) is valued as a
//! whole: a fiat fee beside it adds to the cost of what was acquired, or else comes off the
//! proceeds of what was given up; a coin-to-coin trade whose one side has no value takes the
//! other side's, since what was given up is worth what was received.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::pool::{part, scale, too_large, unknown, Pool};
use super::{transfers, Disposal, Lot, LotBook, LotEntry, Method, Removal, Scope};
use crate::ids::AccountId;
use crate::ledger::EntryKind;
use crate::valuation::OutOfRange;

/// Folds `entries` (any order) into lots by `method`, per account or pooled.
///
/// Errors: [`OutOfRange`] when a cost or proceeds exceeds what a `Decimal` holds exactly.
pub fn book(entries: &[LotEntry], method: Method, scope: Scope) -> Result<LotBook, OutOfRange> {
    // Coins by their place in name order: comparing numbers, not strings, keeps the sorts fast.
    let mut names: Vec<&str> = entries
        .iter()
        .map(|e| e.asset.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    names.sort_unstable();
    let place: HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(n, name)| (*name, n as u32))
        .collect();
    let coin: Vec<u32> = entries
        .iter()
        .map(|e| place.get(e.asset.as_str()).copied().unwrap_or(0))
        .collect();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_unstable_by(|&a, &b| content_order((&entries[a], coin[a]), (&entries[b], coin[b])));
    let pairs = transfers::matches(entries, &coin, &order);
    let deposits: HashMap<usize, usize> = pairs.iter().map(|(&w, &d)| (d, w)).collect();
    // Trades are contiguous in content order (time, then account).
    let worth = trade_values(entries, &order)?;
    let rank: Vec<u8> = (0..entries.len())
        .map(|i| {
            if pairs.contains_key(&i) {
                0
            } else if entries[i].amount.is_negative() {
                2
            } else {
                1
            }
        })
        .collect();
    order.sort_by_key(|&i| (entries[i].at, rank[i]));

    let mut fold = Fold {
        pools: HashMap::new(),
        transit: HashMap::new(),
        book: LotBook::default(),
    };
    for &i in &order {
        let e = &entries[i];
        if e.fiat || e.amount.is_zero() {
            continue;
        }
        let key = match scope {
            Scope::PerAccount => (Some(e.account), coin[i]),
            Scope::Pooled => (None, coin[i]),
        };
        if !e.amount.is_negative() {
            let lots = match (rank[i] == 1).then(|| deposits.get(&i)).flatten() {
                Some(&w) => arrive(fold.transit.remove(&w), e)?,
                None => vec![Lot {
                    account: e.account,
                    asset: e.asset.clone(),
                    acquired_at: Some(e.at),
                    amount: e.amount,
                    cost: worth[i],
                }],
            };
            let pool = fold.pools.entry(key).or_default();
            for lot in lots {
                pool.insert(lot, method, &e.asset)?;
            }
            continue;
        }
        let wanted = e.amount.checked_neg().ok_or_else(|| too_large(e))?;
        let taken = fold.pools.entry(key).or_default().take(wanted, method, e)?;
        if rank[i] == 0 {
            fold.transit.insert(i, taken);
            fold.book.transfers += 1;
        } else if matches!(e.kind, EntryKind::Buy | EntryKind::Sell | EntryKind::Fee) {
            // A coin spent on a fee brings nothing: its cost is a loss.
            let proceeds = if e.kind == EntryKind::Fee {
                Some(Decimal::ZERO)
            } else {
                worth[i]
            };
            fold.dispose(e, taken, proceeds)?;
        } else {
            fold.book
                .removals
                .extend(taken.into_iter().map(|lot| Removal {
                    at: e.at,
                    account: e.account,
                    asset: e.asset.clone(),
                    amount: lot.amount,
                    cost: lot.cost,
                }));
        }
    }
    // Open lots by coin name, account, then when acquired; each pool's lots are in time order.
    let mut pools: Vec<(PoolKey, Pool)> = fold.pools.into_iter().collect();
    pools.sort_unstable_by_key(|((account, coin), _)| (*coin, *account));
    let mut open = Vec::new();
    for (_, pool) in pools {
        let mut lots: Vec<Lot> = pool.lots.into();
        match (scope, method) {
            (Scope::Pooled, _) => lots.sort_by_key(|l| (l.account, l.acquired_at)),
            (_, Method::Hifo) => lots.sort_by_key(|l| l.acquired_at),
            _ => {}
        }
        open.extend(lots);
    }
    fold.book.open = open;
    Ok(fold.book)
}

/// Everything about an entry (with its coin's place in name order) but its id, then its id.
fn content_order(
    (x, x_coin): (&LotEntry, u32),
    (y, y_coin): (&LotEntry, u32),
) -> std::cmp::Ordering {
    x.at.cmp(&y.at)
        .then(x.account.cmp(&y.account))
        .then(x.amount.is_negative().cmp(&y.amount.is_negative()))
        .then(x_coin.cmp(&y_coin))
        .then(x.amount.cmp(&y.amount))
        .then(x.kind.as_str().cmp(y.kind.as_str()))
        .then(x.value.cmp(&y.value))
        .then_with(|| x.link.cmp(&y.link))
        .then(x.id.cmp(&y.id))
}

/// Each entry's worth after its trade is valued as a whole (see the module's notes). `order` is
/// content order, so one account's entries at one moment are next to each other.
fn trade_values(entries: &[LotEntry], order: &[usize]) -> Result<Vec<Option<Decimal>>, OutOfRange> {
    let mut worth: Vec<Option<Decimal>> = entries.iter().map(|e| e.value).collect();
    let trades = order.chunk_by(|&a, &b| {
        (entries[a].at, entries[a].account) == (entries[b].at, entries[b].account)
    });
    for legs in trades {
        if legs.len() < 2 {
            continue;
        }
        let is_trade = |i: &&usize| {
            let e = &entries[**i];
            !e.fiat && matches!(e.kind, EntryKind::Buy | EntryKind::Sell)
        };
        let (given, received): (Vec<usize>, Vec<usize>) = legs
            .iter()
            .filter(is_trade)
            .partition(|&&i| entries[i].amount.is_negative());
        // A coin bought or sold for fiat is worth the fiat that moved (the subtotal, spread
        // included), not the spot price a file may also give.
        let fiat_legs: Vec<usize> = legs
            .iter()
            .copied()
            .filter(|&i| {
                entries[i].fiat && matches!(entries[i].kind, EntryKind::Buy | EntryKind::Sell)
            })
            .collect();
        if let ([coin], [fiat]) = (
            [given.as_slice(), received.as_slice()].concat().as_slice(),
            fiat_legs.as_slice(),
        ) {
            if entries[*coin].amount.is_negative() != entries[*fiat].amount.is_negative() {
                if let Some(v) = worth[*fiat] {
                    worth[*coin] = Some(v.abs());
                }
            }
        }
        if let ([g], [r]) = (given.as_slice(), received.as_slice()) {
            match (worth[*g], worth[*r]) {
                (None, Some(v)) => worth[*g] = Some(v),
                (Some(v), None) => worth[*r] = Some(v),
                _ => {}
            }
        }
        let fees: Vec<usize> = legs
            .iter()
            .copied()
            .filter(|&i| entries[i].fiat && entries[i].kind == EntryKind::Fee)
            .collect();
        if fees.is_empty() {
            continue;
        }
        let mut fee = Some(Decimal::ZERO);
        for &i in &fees {
            fee = match (fee, worth[i]) {
                (Some(total), Some(v)) => Some(
                    total
                        .checked_add(v.abs())
                        .ok_or_else(|| too_large(&entries[i]))?,
                ),
                _ => None,
            };
        }
        let (target, sign) = match (received.first(), given.first()) {
            (Some(&r), _) => (r, Decimal::ONE),
            (None, Some(&g)) => (g, Decimal::NEGATIVE_ONE),
            (None, None) => continue,
        };
        worth[target] = match (worth[target], fee) {
            (Some(v), Some(f)) => Some(
                v.checked_add(f * sign)
                    .ok_or_else(|| too_large(&entries[target]))?,
            ),
            _ => None,
        };
    }
    Ok(worth)
}

/// A transfer's lots arriving: scaled to what arrived (the rest went on fees, whose cost stays
/// with the lots), in the deposit's account, keeping when they were acquired.
fn arrive(lots: Option<Vec<Lot>>, deposit: &LotEntry) -> Result<Vec<Lot>, OutOfRange> {
    let mut lots = lots.unwrap_or_default();
    let sent: Decimal = lots.iter().map(|l| l.amount.to_decimal()).sum();
    let got = deposit.amount;
    if lots.is_empty() || sent.is_zero() {
        return Ok(vec![unknown(deposit, got)]);
    }
    let mut left = got;
    let last = lots.len() - 1;
    for (n, lot) in lots.iter_mut().enumerate() {
        let share = if n == last {
            left
        } else {
            scale(lot.amount, got, sent).ok_or_else(|| too_large(deposit))?
        };
        let share = share.min(left);
        left = left.checked_sub(share).ok_or_else(|| too_large(deposit))?;
        lot.amount = share;
        lot.account = deposit.account;
    }
    lots.retain(|l| !l.amount.is_zero());
    Ok(lots)
}

/// An account (none when pooled) and a coin's place in name order.
type PoolKey = (Option<AccountId>, u32);

struct Fold {
    pools: HashMap<PoolKey, Pool>,
    /// Lots withdrawn and not yet deposited, by withdrawal.
    transit: HashMap<usize, Vec<Lot>>,
    book: LotBook,
}

impl Fold {
    /// One disposal row per lot used, the proceeds shared by amount.
    fn dispose(
        &mut self,
        e: &LotEntry,
        taken: Vec<Lot>,
        proceeds: Option<Decimal>,
    ) -> Result<(), OutOfRange> {
        let total: Decimal = taken.iter().map(|l| l.amount.to_decimal()).sum();
        let mut left = proceeds;
        let last = taken.len().saturating_sub(1);
        for (n, lot) in taken.into_iter().enumerate() {
            let share = match (proceeds, left) {
                (Some(_), Some(rest)) if n == last => Some(rest),
                (Some(p), Some(_)) => Some(part(p, lot.amount, total).ok_or_else(|| too_large(e))?),
                _ => None,
            };
            left = match (left, share) {
                (Some(rest), Some(s)) => Some(rest.checked_sub(s).ok_or_else(|| too_large(e))?),
                _ => None,
            };
            self.book.disposals.push(Disposal {
                at: e.at,
                account: e.account,
                asset: e.asset.clone(),
                amount: lot.amount,
                acquired_at: lot.acquired_at,
                proceeds: share,
                cost: lot.cost,
            });
        }
        Ok(())
    }
}
