//! Tokens a scan finds: counted when CoinGecko names their coin, otherwise listed apart as
//! unpriced, so an airdrop of spam can never inflate a portfolio.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::money::{Amount, AMOUNT_SCALE};

/// A token a wallet holds that no coin matches (or whose amount cannot be counted exactly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct UnpricedToken {
    /// Where it is: `ethereum`, `base`, `solana`, …
    pub chain: String,
    /// Its contract address or mint.
    pub token: String,
    /// How much, with its decimals applied, as exact decimal text.
    pub amount: String,
}

/// `units` of a token with `decimals`, as an amount; `None` when it has more decimals than
/// amounts keep (the rest would be lost) or more than an entry may hold.
pub(crate) fn to_amount(units: u128, decimals: u8) -> Option<Amount> {
    let missing = AMOUNT_SCALE.checked_sub(u32::from(decimals))?;
    let atoms = i128::try_from(units)
        .ok()?
        .checked_mul(10i128.checked_pow(missing)?)?;
    Some(Amount::from_atoms(atoms)).filter(|a| a.within_entry_bounds())
}

/// An EVM token's 256-bit `units` as text: with its `decimals` applied when they fit in 128 bits
/// and are known, else the raw units.
pub(crate) fn wide_units_text(units: alloy_primitives::U256, decimals: Option<u8>) -> String {
    match u128::try_from(units) {
        Ok(units) => units_text(units, decimals.unwrap_or(0)),
        Err(_) => units.to_string(),
    }
}

/// `units` with `decimals` as exact decimal text (`1500000`, 6 → `1.5`).
pub(crate) fn units_text(units: u128, decimals: u8) -> String {
    let digits = units.to_string();
    let decimals = usize::from(decimals);
    let (whole, fraction) = if digits.len() > decimals {
        let (w, f) = digits.split_at(digits.len() - decimals);
        (w.to_owned(), f.to_owned())
    } else {
        ("0".to_owned(), format!("{digits:0>decimals$}"))
    };
    let fraction = fraction.trim_end_matches('0');
    match fraction.is_empty() {
        true => whole,
        false => format!("{whole}.{fraction}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn units_become_amounts_at_eighteen_decimals() {
        assert_eq!(
            to_amount(1_500_000, 6).map(|a| a.to_string()),
            Some("1.5".into())
        );
        assert_eq!(to_amount(1, 18), Some(Amount::from_atoms(1)));
        assert_eq!(to_amount(1, 19), None);
        assert_eq!(to_amount(u128::MAX, 0), None);
        assert_eq!(to_amount(10u128.pow(30), 6), None);
    }

    #[test]
    fn units_are_written_exactly() {
        assert_eq!(units_text(1_500_000, 6), "1.5");
        assert_eq!(units_text(5, 3), "0.005");
        assert_eq!(units_text(42, 0), "42");
        assert_eq!(units_text(0, 9), "0");
        assert_eq!(units_text(u128::MAX, 40).len(), 42);
    }

    proptest! {
        #[test]
        fn any_units_convert_without_panicking(units in any::<u128>(), decimals in any::<u8>()) {
            let text = units_text(units, decimals);
            if let Some(amount) = to_amount(units, decimals) {
                prop_assert_eq!(amount.to_string(), text);
            }
        }
    }
}
