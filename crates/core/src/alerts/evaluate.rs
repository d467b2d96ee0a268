//! The alert evaluator: a pure function of (rules with their state, what the market shows, now).
//! Edge-triggered: a rule fires when its condition becomes true, then re-arms only once the value
//! has moved back past the threshold by a hysteresis band, so jitter around the line never fires
//! twice for one crossing. Missing or stale observations leave a rule exactly as it was.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{AlertKind, AlertRule, AlertState, AlertTarget, FiredAlert};
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::ids::AlertId;

/// Level rules re-arm once the value is this fraction beyond the threshold (0.5 %).
const LEVEL_BAND: Decimal = Decimal::from_parts(5, 0, 0, false, 3);
/// Percent-change rules re-arm once the change is this fraction of the threshold back (10 %).
const CHANGE_BAND: Decimal = Decimal::from_parts(1, 0, 0, false, 1);

/// One observed number and how trustworthy it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    pub value: Decimal,
    /// Unix seconds when the number was fetched (or computed from fetched prices).
    pub at: i64,
}

/// What the market shows after a sync cycle, keyed for the rules' lookups.
#[derive(Debug, Clone, Default)]
pub struct Market {
    /// (coin, currency) -> price. Manual overrides are left out: they are not market moves.
    pub prices: HashMap<(CoinId, Currency), Observation>,
    /// (coin, currency) -> 24h change in percent.
    pub changes: HashMap<(CoinId, Currency), Observation>,
    /// currency -> portfolio total, only when every holding was priced.
    pub portfolio: HashMap<Currency, Observation>,
    /// A coin's value held in one account or in all, per currency.
    pub holdings: HashMap<HoldingKey, Observation>,
}

/// Which holding's value: a coin in one account (`Some`) or in all of them (`None`), in a
/// currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HoldingKey {
    pub coin: CoinId,
    pub account: Option<String>,
    pub currency: Currency,
}

/// What one evaluation decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    pub fired: Vec<FiredAlert>,
    /// New state of every rule whose state changed.
    pub changed: Vec<(AlertId, AlertState)>,
}

impl Market {
    fn observe(&self, rule: &AlertRule) -> Option<Observation> {
        let currency = rule.currency.clone();
        match &rule.target {
            AlertTarget::Coin(coin) if rule.kind.is_change() => {
                self.changes.get(&(coin.clone(), currency)).copied()
            }
            AlertTarget::Coin(coin) => self.prices.get(&(coin.clone(), currency)).copied(),
            AlertTarget::Portfolio => self.portfolio.get(&currency).copied(),
            AlertTarget::Holding { coin, account } => {
                let key = HoldingKey {
                    coin: coin.clone(),
                    account: account.clone(),
                    currency,
                };
                self.holdings.get(&key).copied()
            }
            // Wallet rules are fired by scans (`alerts::wallet`), not by prices.
            AlertTarget::Wallet(_) => None,
        }
    }
}

/// Whether the rule's condition holds for `value`.
fn holds(kind: AlertKind, threshold: Decimal, value: Decimal) -> bool {
    match kind {
        AlertKind::PriceAbove | AlertKind::PortfolioAbove | AlertKind::HoldingAbove => {
            value >= threshold
        }
        AlertKind::PriceBelow | AlertKind::PortfolioBelow | AlertKind::HoldingBelow => {
            value <= threshold
        }
        AlertKind::ChangeUp => value >= threshold,
        AlertKind::ChangeDown => value <= -threshold,
        AlertKind::ChangeEither => value.abs() >= threshold,
        AlertKind::WalletChanged => false,
    }
}

/// Whether `value` is far enough back on the other side of the threshold to re-arm.
fn cleared(kind: AlertKind, threshold: Decimal, value: Decimal) -> bool {
    // Bands are fractions below one, so only the sums can leave the range; saturating keeps a
    // level near Decimal::MAX meaningful (it re-arms below the largest decimal) without a panic.
    let level_band = threshold.abs().saturating_mul(LEVEL_BAND);
    let change_line = threshold.saturating_mul(Decimal::ONE - CHANGE_BAND);
    match kind {
        AlertKind::PriceAbove | AlertKind::PortfolioAbove | AlertKind::HoldingAbove => {
            value < threshold.saturating_sub(level_band)
        }
        AlertKind::PriceBelow | AlertKind::PortfolioBelow | AlertKind::HoldingBelow => {
            value > threshold.saturating_add(level_band)
        }
        AlertKind::ChangeUp => value < change_line,
        AlertKind::ChangeDown => value > -change_line,
        AlertKind::ChangeEither => value.abs() < change_line,
        AlertKind::WalletChanged => true,
    }
}

/// Evaluates every rule against `market` at `now`; observations older than `stale_after` seconds
/// count as missing.
pub fn evaluate(
    rules: &[(AlertRule, AlertState)],
    market: &Market,
    now: i64,
    stale_after: i64,
) -> Evaluation {
    let mut evaluation = Evaluation::default();
    for (rule, state) in rules {
        if state.done {
            continue;
        }
        let Some(seen) = market
            .observe(rule)
            .filter(|o| now.saturating_sub(o.at) <= stale_after)
        else {
            continue;
        };
        let condition = holds(rule.kind, rule.threshold, seen.value);
        let mut next = state.clone();
        match state.armed {
            // First sight: a condition already true is not a crossing; wait for it to clear.
            None => next.armed = Some(!condition),
            Some(true) if condition => {
                next.armed = Some(false);
                let quiet = rule.is_quiet(state, now);
                // A crossing while paused, snoozed or cooling down is consumed, not saved for later.
                if !quiet {
                    next = next.after_firing(rule, now);
                    evaluation
                        .fired
                        .push(FiredAlert::new(rule, seen.value, now));
                }
            }
            Some(false) if cleared(rule.kind, rule.threshold, seen.value) => {
                next.armed = Some(true);
            }
            Some(_) => {}
        }
        if next != *state {
            evaluation.changed.push((rule.id, next));
        }
    }
    evaluation
}

#[cfg(test)]
mod tests;
