//! One pool's lots, and how a disposal takes from it by each method. Shares of a lot's cost are
//! split so the parts always add up to what the lot cost.

use std::collections::VecDeque;

use rust_decimal::Decimal;

use super::{Lot, LotEntry, Method};
use crate::money::Amount;
use crate::valuation::OutOfRange;

/// Decimal places a share of a cost or of proceeds keeps: the remainder stays with the rest, so
/// shares always add up exactly, and sums of them never reach Decimal's 28-digit rounding.
const SHARE_PLACES: u32 = 10;

/// `value × amount ÷ total`, to [`SHARE_PLACES`].
pub(super) fn part(value: Decimal, amount: Amount, total: Decimal) -> Option<Decimal> {
    if total.is_zero() {
        return Some(Decimal::ZERO);
    }
    Some(
        value
            .checked_mul(amount.to_decimal())?
            .checked_div(total)?
            .round_dp(SHARE_PLACES)
            .normalize(),
    )
}

/// One pool's lots, oldest first.
#[derive(Default)]
pub(super) struct Pool {
    pub(super) lots: VecDeque<Lot>,
    /// HIFO only: each lot's cost per unit, worked out once when it arrives.
    units: VecDeque<Option<Decimal>>,
}

impl Pool {
    pub(super) fn insert(
        &mut self,
        lot: Lot,
        method: Method,
        asset: &str,
    ) -> Result<(), OutOfRange> {
        if method == Method::Average {
            // Average cost keeps one lot of known cost and one of unknown, each the sum of its
            // acquisitions, dated by the first.
            if let Some(same) = self
                .lots
                .iter_mut()
                .find(|l| l.cost.is_some() == lot.cost.is_some())
            {
                let overflow = || OutOfRange {
                    what: format!("the average-cost pool of {asset}"),
                };
                same.amount = same.amount.checked_add(lot.amount).ok_or_else(overflow)?;
                same.cost = match (same.cost, lot.cost) {
                    (Some(a), Some(b)) => Some(a.checked_add(b).ok_or_else(overflow)?),
                    _ => None,
                };
                same.acquired_at = same.acquired_at.min(lot.acquired_at);
                return Ok(());
            }
        }
        // HIFO keeps the costliest units first (the oldest of equals), so a disposal takes from
        // the front as FIFO does; the others keep time order.
        if method == Method::Hifo {
            let unit = unit_cost(&lot);
            let at = self.units.partition_point(|u| *u >= unit);
            self.units.insert(at, unit);
            self.lots.insert(at, lot);
        } else {
            let at = self
                .lots
                .partition_point(|l| l.acquired_at <= lot.acquired_at);
            self.lots.insert(at, lot);
        }
        Ok(())
    }

    /// Takes `wanted` units by `method`; what the pool lacks comes back as units of unknown
    /// acquisition, so no lot ever goes below zero.
    pub(super) fn take(
        &mut self,
        wanted: Amount,
        method: Method,
        e: &LotEntry,
    ) -> Result<Vec<Lot>, OutOfRange> {
        let mut taken = Vec::new();
        let mut left = wanted;
        if method == Method::Average {
            let held: Decimal = self.lots.iter().map(|l| l.amount.to_decimal()).sum();
            let wanted_here = if held < wanted.to_decimal() {
                None
            } else {
                Some(wanted.to_decimal())
            };
            let shares: Vec<Amount> = self
                .lots
                .iter()
                .map(|l| match wanted_here {
                    None => Some(l.amount),
                    Some(_) => scale(l.amount, wanted, held),
                })
                .collect::<Option<_>>()
                .ok_or_else(|| too_large(e))?;
            let last = self.lots.len().saturating_sub(1);
            for (n, share) in shares.into_iter().enumerate() {
                let share = if n == last && wanted_here.is_some() {
                    left.min(self.lots[n].amount)
                } else {
                    share.min(left)
                };
                taken.push(split(&mut self.lots[n], share, e)?);
                left = left.checked_sub(share).ok_or_else(|| too_large(e))?;
            }
            self.lots.retain(|l| !l.amount.is_zero());
        } else {
            while left.atoms() > 0 && !self.lots.is_empty() {
                let n = match method {
                    Method::Fifo | Method::Hifo | Method::Average => 0,
                    Method::Lifo => self.lots.len() - 1,
                };
                let share = left.min(self.lots[n].amount);
                taken.push(split(&mut self.lots[n], share, e)?);
                left = left.checked_sub(share).ok_or_else(|| too_large(e))?;
                if self.lots[n].amount.is_zero() {
                    self.lots.remove(n);
                    self.units.remove(n);
                }
            }
        }
        taken.retain(|l| !l.amount.is_zero());
        if left.atoms() > 0 {
            taken.push(unknown(e, left));
        }
        Ok(taken)
    }
}

/// Cost per unit, for HIFO's order: lots of unknown cost rank below every known one.
fn unit_cost(lot: &Lot) -> Option<Decimal> {
    lot.cost?.checked_div(lot.amount.to_decimal())
}

/// Takes `share` units out of `lot` with their part of its cost; the rest keeps the remainder,
/// so the two costs always add up to what the lot cost.
fn split(lot: &mut Lot, share: Amount, e: &LotEntry) -> Result<Lot, OutOfRange> {
    let cost = match lot.cost {
        Some(c) if share == lot.amount => Some(c),
        Some(c) => Some(part(c, share, lot.amount.to_decimal()).ok_or_else(|| too_large(e))?),
        None => None,
    };
    lot.amount = lot.amount.checked_sub(share).ok_or_else(|| too_large(e))?;
    lot.cost = match (lot.cost, cost) {
        (Some(c), Some(taken)) => Some(c.checked_sub(taken).ok_or_else(|| too_large(e))?),
        _ => None,
    };
    Ok(Lot {
        amount: share,
        cost,
        ..lot.clone()
    })
}

pub(super) fn too_large(e: &LotEntry) -> OutOfRange {
    OutOfRange {
        what: format!("a lot of {} in account {}", e.asset, e.account),
    }
}

/// `amount × numerator ÷ denominator`, to the atom.
pub(super) fn scale(amount: Amount, numerator: Amount, denominator: Decimal) -> Option<Amount> {
    let exact = amount
        .to_decimal()
        .checked_mul(numerator.to_decimal())?
        .checked_div(denominator)?
        .round_dp_with_strategy(18, rust_decimal::RoundingStrategy::ToZero);
    Amount::from_decimal(exact).ok()
}

/// Units with no recorded acquisition.
pub(super) fn unknown(e: &LotEntry, amount: Amount) -> Lot {
    Lot {
        account: e.account,
        asset: e.asset.clone(),
        acquired_at: None,
        amount,
        cost: None,
    }
}
