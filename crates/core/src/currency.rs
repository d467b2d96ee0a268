//! The currencies prices are quoted in: the vs currencies CoinGecko knows. Low in the layers so
//! settings, rates and alerts all check a currency the same way.

use serde::Serialize;

/// The vs currencies CoinGecko prices in (`/simple/supported_vs_currencies`).
pub const SUPPORTED_VS_CURRENCIES: &[&str] = &[
    "btc", "eth", "ltc", "bch", "bnb", "eos", "xrp", "xlm", "link", "dot", "yfi", "usd", "aed",
    "ars", "aud", "bdt", "bhd", "bmd", "brl", "cad", "chf", "clp", "cny", "czk", "dkk", "eur",
    "gbp", "gel", "hkd", "huf", "idr", "ils", "inr", "jpy", "krw", "kwd", "lkr", "mmk", "mxn",
    "myr", "ngn", "nok", "nzd", "php", "pkr", "pln", "rub", "sar", "sek", "sgd", "thb", "try",
    "twd", "uah", "vef", "vnd", "zar", "xdr", "xag", "xau", "bits", "sats",
];

/// A currency CoinGecko prices in, as its lower-case code (`usd`, `eur`, `btc`, `sats`).
/// [`Currency::parse`] makes one from what a person or a file wrote; one read back from the
/// database was parsed when it was written.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    specta::Type,
    sqlx::Type,
    utoipa::ToSchema,
)]
#[serde(transparent)]
#[sqlx(transparent)]
#[schema(example = "usd")]
pub struct Currency(String);

impl Currency {
    /// `text` as a vs currency (trimmed, lower-case) when CoinGecko prices in it.
    pub fn parse(text: &str) -> Option<Self> {
        let currency = text.trim().to_lowercase();
        SUPPORTED_VS_CURRENCIES
            .contains(&currency.as_str())
            .then_some(Currency(currency))
    }

    /// The default base currency.
    pub fn usd() -> Self {
        Currency("usd".to_owned())
    }
}

crate::text_value::text_value!(Currency);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_what_coingecko_prices_in_is_a_currency() {
        assert_eq!(Currency::parse(" EUR ").as_deref(), Some("eur"));
        assert_eq!(Currency::parse("sats"), Some(Currency("sats".into())));
        assert_eq!(Currency::parse("bitcoin"), None);
        assert_eq!(Currency::parse(""), None);
    }

    proptest! {
        #[test]
        fn any_text_is_a_supported_currency_or_none(text in any::<String>()) {
            if let Some(currency) = Currency::parse(&text) {
                prop_assert!(SUPPORTED_VS_CURRENCIES.contains(&currency.as_str()));
            }
        }
    }
}
