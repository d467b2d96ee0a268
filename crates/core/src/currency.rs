//! The currencies prices are quoted in: the vs currencies CoinGecko knows. Low in the layers so
//! settings, rates and alerts all check a currency the same way.

/// The vs currencies CoinGecko prices in (`/simple/supported_vs_currencies`).
pub const SUPPORTED_VS_CURRENCIES: &[&str] = &[
    "btc", "eth", "ltc", "bch", "bnb", "eos", "xrp", "xlm", "link", "dot", "yfi", "usd", "aed",
    "ars", "aud", "bdt", "bhd", "bmd", "brl", "cad", "chf", "clp", "cny", "czk", "dkk", "eur",
    "gbp", "gel", "hkd", "huf", "idr", "ils", "inr", "jpy", "krw", "kwd", "lkr", "mmk", "mxn",
    "myr", "ngn", "nok", "nzd", "php", "pkr", "pln", "rub", "sar", "sek", "sgd", "thb", "try",
    "twd", "uah", "vef", "vnd", "zar", "xdr", "xag", "xau", "bits", "sats",
];

/// `text` as a vs currency code (trimmed, lower-case) when CoinGecko prices in it.
pub fn vs_currency(text: &str) -> Option<String> {
    let currency = text.trim().to_lowercase();
    SUPPORTED_VS_CURRENCIES
        .contains(&currency.as_str())
        .then_some(currency)
}
