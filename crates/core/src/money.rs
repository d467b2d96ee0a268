//! Exact quantities of coins.
//!
//! An [`Amount`] is a signed whole number of 10^-18 units (like wei), held in an `i128`: 18 decimal
//! places and up to 38 significant digits, always exact. `rust_decimal` stops at 28 digits, too few
//! for a large balance with 18 decimals, so amounts use integer minor units while prices and fiat
//! values (which never need more than 28 digits) use [`rust_decimal::Decimal`].

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Decimal places an [`Amount`] keeps.
pub const AMOUNT_SCALE: u32 = 18;
const UNIT: i128 = 10i128.pow(AMOUNT_SCALE);

/// The most of one coin accepted in one entry from a person, a file or a server: 10^18 whole
/// units, far beyond any real supply yet small enough that sums of many entries stay in range.
pub const MAX_ENTRY_AMOUNT: Amount = Amount(10i128.pow(18) * UNIT);

/// The highest price of one unit of a coin accepted in any currency (10^15). Real prices are far
/// below it even in currencies with tiny units; anything above is a typo or a hostile answer.
pub const MAX_PRICE: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// The highest value a person may name (an alert level on a portfolio or holding): 10^24.
pub const MAX_VALUE: Decimal = Decimal::from_parts(2_701_131_776, 466_537_709, 54_210, false, 0);

/// Why a price cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("a price must be greater than zero (got {0})")]
    NotPositive(Decimal),
    #[error("{0} is not a believable price: the most accepted is 10^15 per unit")]
    TooLarge(Decimal),
}

/// The price of one unit of a coin: above zero and at most [`MAX_PRICE`]. [`Price::new`] is the
/// only way to make one, so a `Price` never needs checking again. Crosses IPC as a decimal string.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    utoipa::ToSchema,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
#[specta(type = String)]
#[schema(value_type = String, example = "64250.5")]
pub struct Price(Decimal);

impl Price {
    pub fn new(price: Decimal) -> Result<Self, PriceError> {
        if price <= Decimal::ZERO {
            Err(PriceError::NotPositive(price))
        } else if price > MAX_PRICE {
            Err(PriceError::TooLarge(price))
        } else {
            Ok(Price(price))
        }
    }

    pub fn get(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for Price {
    type Error = PriceError;

    fn try_from(price: Decimal) -> Result<Self, PriceError> {
        Price::new(price)
    }
}

impl From<Price> for Decimal {
    fn from(price: Price) -> Decimal {
        price.0
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An exact signed amount of a coin, in 10^-18 units. It crosses IPC as a decimal string.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    specta::Type,
    utoipa::ToSchema,
)]
#[specta(type = String)]
#[schema(value_type = String, example = "0.5")]
pub struct Amount(i128);

/// Why a text is not an amount. Messages quote the text so a person can find it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("'{0}' is not a number (use digits with an optional '.' and sign, e.g. 0.25)")]
    Malformed(String),
    #[error("'{0}' has more than 18 decimal places")]
    TooPrecise(String),
    #[error("'{0}' is too large to hold exactly")]
    TooLarge(String),
}

impl Amount {
    pub const ZERO: Amount = Amount(0);

    /// The amount with this many 10^-18 units.
    pub const fn from_atoms(atoms: i128) -> Self {
        Amount(atoms)
    }

    /// The number of 10^-18 units.
    pub const fn atoms(self) -> i128 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    pub fn checked_neg(self) -> Option<Amount> {
        self.0.checked_neg().map(Amount)
    }

    /// The amount as a `Decimal` for valuation. Exact when it fits in 28 digits; otherwise the
    /// smallest decimal places are rounded away (a value needs far fewer digits than a balance).
    pub fn to_decimal(self) -> Decimal {
        let mut atoms = self.0;
        let mut scale = AMOUNT_SCALE;
        loop {
            if let Ok(decimal) = Decimal::try_from_i128_with_scale(atoms, scale) {
                return decimal.normalize();
            }
            if scale == 0 {
                // |atoms| < 2^127 / 10^18 < 2^96 once scale is 0, so this is unreachable.
                return Decimal::MAX;
            }
            atoms = round_div10(atoms);
            scale -= 1;
        }
    }

    /// Whether this amount may enter the ledger as one entry: at most [`MAX_ENTRY_AMOUNT`] either
    /// way.
    pub fn within_entry_bounds(self) -> bool {
        self.0.unsigned_abs() <= MAX_ENTRY_AMOUNT.0.unsigned_abs()
    }

    /// An amount from a `Decimal`, if it has at most 18 decimal places.
    pub fn from_decimal(decimal: Decimal) -> Result<Self, AmountError> {
        decimal.to_string().parse()
    }
}

/// Divides by ten, rounding half away from zero.
fn round_div10(value: i128) -> i128 {
    let (quotient, remainder) = (value / 10, value % 10);
    if remainder >= 5 {
        quotient + 1
    } else if remainder <= -5 {
        quotient - 1
    } else {
        quotient
    }
}

impl FromStr for Amount {
    type Err = AmountError;

    /// Parses plain decimal text: an optional sign, digits, an optional '.' and up to 18 more digits.
    /// No exponents, separators or currency symbols: importers normalise those first.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let malformed = || AmountError::Malformed(text.to_owned());
        let trimmed = text.trim();
        let (negative, digits) = match trimmed.as_bytes().first() {
            Some(b'-') => (true, &trimmed[1..]),
            Some(b'+') => (false, &trimmed[1..]),
            _ => (false, trimmed),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction)
        {
            return Err(malformed());
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > AMOUNT_SCALE as usize {
            return Err(AmountError::TooPrecise(text.to_owned()));
        }
        let too_large = || AmountError::TooLarge(text.to_owned());
        let whole = whole.trim_start_matches('0');
        let whole_value: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| too_large())?
        };
        let fraction_value: i128 = if fraction.is_empty() {
            0
        } else {
            let padded = format!("{fraction:0<width$}", width = AMOUNT_SCALE as usize);
            padded.parse().map_err(|_| malformed())?
        };
        let atoms = whole_value
            .checked_mul(UNIT)
            .and_then(|w| w.checked_add(fraction_value))
            .ok_or_else(too_large)?;
        Ok(Amount(if negative { -atoms } else { atoms }))
    }
}

impl fmt::Display for Amount {
    /// The shortest exact decimal text: no exponent, no trailing zeros, "0" for zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let unit = UNIT.unsigned_abs();
        let (whole, fraction) = (magnitude / unit, magnitude % unit);
        if fraction == 0 {
            return write!(f, "{sign}{whole}");
        }
        let fraction = format!("{fraction:0width$}", width = AMOUNT_SCALE as usize);
        write!(f, "{sign}{whole}.{}", fraction.trim_end_matches('0'))
    }
}

/// Amounts cross JSON, IPC and CSV as decimal strings so no consumer rounds them through a float.
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Test strategies shared by the modules that must never panic on extreme values.
#[cfg(test)]
pub(crate) mod extremes {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// Decimals from tiny to `Decimal::MAX`, of either sign and any scale.
    pub fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            Just(Decimal::MAX),
            Just(Decimal::MIN),
            Just(Decimal::ZERO),
            (any::<i64>(), 0u32..=28).prop_map(|(n, scale)| Decimal::new(n, scale)),
            (
                any::<u32>(),
                any::<u32>(),
                any::<u32>(),
                any::<bool>(),
                0u32..=28
            )
                .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(
                    lo, mid, hi, negative, scale
                )),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Amount {
        text.parse()
            .unwrap_or_else(|e| panic!("{text} should parse: {e}"))
    }

    #[test]
    fn eighteen_places_and_thirty_significant_digits_round_trip() {
        for text in [
            "123456789012.123456789012345678",
            "-123456789012.123456789012345678",
            "0.000000000000000001",
            "99999999999999999999.999999999999999999",
            "1",
            "0",
            "42.5",
        ] {
            assert_eq!(amount(text).to_string(), text);
        }
    }

    #[test]
    fn canonical_text_drops_redundant_zeros_and_signs() {
        assert_eq!(amount("007.2500").to_string(), "7.25");
        assert_eq!(amount("+1.").to_string(), "1");
        assert_eq!(amount(".5").to_string(), "0.5");
        assert_eq!(amount("-0").to_string(), "0");
    }

    #[test]
    fn rejects_what_is_not_a_plain_decimal() {
        for text in [
            "", "-", ".", "1e5", "1,5", "abc", "1.2.3", "--1", " 1 2", "$5", "NaN",
        ] {
            assert!(
                matches!(text.parse::<Amount>(), Err(AmountError::Malformed(_))),
                "{text:?} should be malformed"
            );
        }
    }

    #[test]
    fn rejects_absurd_precision_and_size() {
        assert!(matches!(
            "0.0000000000000000001".parse::<Amount>(),
            Err(AmountError::TooPrecise(_))
        ));
        // Trailing zeros beyond 18 places are not extra precision.
        assert_eq!(amount("1.0000000000000000000000").to_string(), "1");
        assert!(matches!(
            "1000000000000000000000".parse::<Amount>(),
            Err(AmountError::TooLarge(_))
        ));
    }

    #[test]
    fn arithmetic_is_exact_and_checked() {
        let sum = amount("0.1").checked_add(amount("0.2"));
        assert_eq!(sum, Some(amount("0.3")));
        assert_eq!(Amount::from_atoms(i128::MAX).checked_add(amount("1")), None);
    }

    #[test]
    fn to_decimal_is_exact_when_it_fits_and_rounds_the_tail_otherwise() {
        assert_eq!(amount("1.5").to_decimal().to_string(), "1.5");
        assert_eq!(
            amount("0.000000000000000001").to_decimal().to_string(),
            "0.000000000000000001"
        );
        let big = amount("123456789012.123456789012345678").to_decimal();
        assert_eq!(big.to_string(), "123456789012.12345678901234568");
    }

    #[test]
    fn the_bounds_are_the_round_numbers_they_claim() {
        assert_eq!(MAX_PRICE.to_string(), "1000000000000000");
        assert_eq!(MAX_VALUE.to_string(), "1000000000000000000000000");
        assert_eq!(MAX_ENTRY_AMOUNT.to_string(), "1000000000000000000");
        assert!(amount("-1000000000000000000").within_entry_bounds());
        assert!(!amount("1000000000000000000.000000000000000001").within_entry_bounds());
    }

    #[test]
    fn prices_must_be_positive_and_believable() {
        assert!(Price::new(Decimal::ONE).is_ok());
        assert!(Price::new(MAX_PRICE).is_ok());
        assert_eq!(
            Price::new(Decimal::ZERO),
            Err(PriceError::NotPositive(Decimal::ZERO))
        );
        assert!(matches!(
            Price::new(Decimal::NEGATIVE_ONE),
            Err(PriceError::NotPositive(_))
        ));
        assert!(matches!(
            Price::new(MAX_PRICE + Decimal::ONE),
            Err(PriceError::TooLarge(_))
        ));
    }

    #[test]
    fn serializes_as_a_string() -> Result<(), serde_json::Error> {
        let json = serde_json::to_string(&amount("0.10"))?;
        assert_eq!(json, "\"0.1\"");
        let back: Amount = serde_json::from_str("\"2.000000000000000001\"")?;
        assert_eq!(back, amount("2.000000000000000001"));
        assert!(serde_json::from_str::<Amount>("\"1e3\"").is_err());
        Ok(())
    }
}
