//! A position: the amount held and its average-cost pool, folded from entries in order.

use rust_decimal::Decimal;

use super::UnitPrice;
use crate::money::Amount;

/// Marks a cost pool priced in more than one currency: no single average can be given.
pub const MIXED_CURRENCIES: &str = "*";

/// The `last_at` of a position replayed from no entries (all undone): any entry folds on, and it
/// is stored as a time, not as NULL, which would replay it again at every open.
pub const NO_ENTRY: i64 = i64::MIN;

/// The amount held and its average-cost pool.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Position {
    pub amount: Amount,
    /// `None` until a priced entry arrives; [`MIXED_CURRENCIES`] once prices disagree.
    pub cost_currency: Option<String>,
    /// Units in the pool that have a known cost.
    pub costed_amount: Decimal,
    /// What those units cost in total.
    pub cost_total: Decimal,
    /// When the newest entry folded in occurred (Unix seconds); `None` before any, and
    /// [`NO_ENTRY`] once replayed from no entries at all. An entry dated earlier cannot be folded
    /// on: the position is replayed in time order instead.
    pub last_at: Option<i64>,
}

impl Position {
    /// Applies one entry. Acquisitions with a price add to the pool; any decrease takes the same
    /// share out of the pool (average cost). Returns `None` if the amount would overflow.
    pub fn apply(&self, amount: Amount, price: Option<&UnitPrice>) -> Option<Position> {
        let before = self.amount;
        let after = before.checked_add(amount)?;
        let mut next = Position {
            amount: after,
            ..self.clone()
        };
        if amount.is_negative() {
            if before.atoms() > 0 {
                let kept = after
                    .max(Amount::ZERO)
                    .to_decimal()
                    .checked_div(before.to_decimal())?
                    .min(Decimal::ONE);
                next.costed_amount = self.costed_amount.checked_mul(kept)?;
                next.cost_total = self.cost_total.checked_mul(kept)?;
            }
        } else if let Some(price) = price {
            let units = amount.to_decimal();
            next.cost_currency = match self.cost_currency.as_deref() {
                None => Some(price.currency.clone()),
                Some(current) if current == price.currency => Some(price.currency.clone()),
                Some(_) => Some(MIXED_CURRENCIES.to_owned()),
            };
            next.costed_amount = self.costed_amount.checked_add(units)?;
            next.cost_total = self
                .cost_total
                .checked_add(units.checked_mul(price.price.get())?)?;
        }
        Some(next)
    }

    /// [`Position::apply`] for an entry that occurred `at`, the position's newest from then on.
    pub fn fold(&self, amount: Amount, price: Option<&UnitPrice>, at: i64) -> Option<Position> {
        Some(Position {
            last_at: Some(at),
            ..self.apply(amount, price)?
        })
    }

    /// Average cost per unit, when the pool has one currency and a cost.
    pub fn average_cost(&self) -> Option<(Decimal, &str)> {
        let currency = self.cost_currency.as_deref()?;
        if currency == MIXED_CURRENCIES || self.costed_amount.is_zero() {
            return None;
        }
        // Checked: rounding at the edge of Decimal's 28 digits must never become a panic.
        Some((self.cost_total.checked_div(self.costed_amount)?, currency))
    }

    /// Unrealized profit or loss at `price` (same currency as the cost), counting only the units
    /// with a known cost.
    pub fn unrealized_pnl(&self, price: Decimal) -> Option<Decimal> {
        self.average_cost()?;
        price
            .checked_mul(self.costed_amount)?
            .checked_sub(self.cost_total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::UnitPrice;
    use crate::money::{Amount, Price};

    fn amount(text: &str) -> Amount {
        text.parse().expect("amount")
    }

    fn usd(price: &str) -> UnitPrice {
        UnitPrice {
            price: Price::new(price.parse().expect("price")).expect("price"),
            currency: "usd".into(),
        }
    }

    #[test]
    fn average_cost_pools_priced_buys() {
        let p = Position::default()
            .apply(amount("1"), Some(&usd("100")))
            .and_then(|p| p.apply(amount("3"), Some(&usd("200"))))
            .expect("fits");
        assert_eq!(p.amount, amount("4"));
        assert_eq!(p.average_cost(), Some((Decimal::from(175), "usd")));
        assert_eq!(
            p.unrealized_pnl(Decimal::from(250)),
            Some(Decimal::from(300))
        );
    }

    #[test]
    fn a_sale_keeps_the_average_and_shrinks_the_pool() {
        let p = Position::default()
            .apply(amount("2"), Some(&usd("100")))
            .and_then(|p| p.apply(amount("-0.5"), None))
            .expect("fits");
        assert_eq!(p.amount, amount("1.5"));
        assert_eq!(p.average_cost().map(|(c, _)| c), Some(Decimal::from(100)));
        assert_eq!(p.cost_total, Decimal::from(150));
    }

    #[test]
    fn unpriced_deposits_count_in_the_amount_but_not_the_cost() {
        let p = Position::default()
            .apply(amount("1"), Some(&usd("100")))
            .and_then(|p| p.apply(amount("1"), None))
            .expect("fits");
        assert_eq!(p.amount, amount("2"));
        assert_eq!(p.average_cost().map(|(c, _)| c), Some(Decimal::from(100)));
        assert_eq!(
            p.unrealized_pnl(Decimal::from(150)),
            Some(Decimal::from(50))
        );
    }

    #[test]
    fn mixed_currencies_give_no_average() {
        let eur = UnitPrice {
            price: Price::new(Decimal::from(90)).expect("price"),
            currency: "eur".into(),
        };
        let p = Position::default()
            .apply(amount("1"), Some(&usd("100")))
            .and_then(|p| p.apply(amount("1"), Some(&eur)))
            .expect("fits");
        assert_eq!(p.cost_currency.as_deref(), Some(MIXED_CURRENCIES));
        assert_eq!(p.average_cost(), None);
    }

    #[test]
    fn selling_everything_empties_the_pool() {
        let p = Position::default()
            .apply(amount("1"), Some(&usd("100")))
            .and_then(|p| p.apply(amount("-1"), None))
            .expect("fits");
        assert!(p.amount.is_zero());
        assert!(p.cost_total.is_zero());
        assert_eq!(p.average_cost(), None);
    }
}
