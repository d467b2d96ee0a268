//! The fake's market: a set of coins with USD prices, converted to other currencies the way the real
//! API's Ruby server prints floats (exponent form below 1e-4, about 15 significant digits).

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

/// One coin the fake knows.
#[derive(Debug, Clone, Deserialize)]
pub struct Coin {
    pub id: String,
    pub symbol: String,
    pub name: String,
    #[serde(default)]
    pub market_cap_rank: Option<u32>,
    /// `None` is a coin CoinGecko lists but has no price for (`null` in every currency).
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub usd: Option<Decimal>,
    /// Percent; `None` is sent as `null` (stale price).
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub change_24h: Option<Decimal>,
    /// Exact number text to send for a currency, verbatim (e.g. `8.69e-05`, `24660`, `null`).
    #[serde(default)]
    pub raw_prices: BTreeMap<String, String>,
    /// Token contracts (or mints) by platform id, as `/coins/list?include_platform=true` sends.
    #[serde(default)]
    pub platforms: BTreeMap<String, String>,
}

impl Coin {
    pub fn new(id: &str, symbol: &str, name: &str, rank: Option<u32>, usd: Option<&str>) -> Self {
        Self {
            id: id.to_owned(),
            symbol: symbol.to_owned(),
            name: name.to_owned(),
            market_cap_rank: rank,
            usd: usd.and_then(|text| Decimal::from_str(text).ok()),
            change_24h: Some(Decimal::new(125, 2)),
            raw_prices: BTreeMap::new(),
            platforms: BTreeMap::new(),
        }
    }
}

/// US dollars per unit of each fiat vs currency the fake converts to.
fn usd_rate(currency: &str) -> Option<Decimal> {
    let per_usd = match currency {
        "usd" => "1",
        "eur" => "0.92",
        "gbp" => "0.79",
        "jpy" => "151.5",
        "chf" => "0.9",
        "cad" => "1.36",
        "aud" => "1.52",
        _ => return None,
    };
    Decimal::from_str(per_usd).ok()
}

/// The currencies `/simple/supported_vs_currencies` lists (the real list, 63 codes).
pub const SUPPORTED_VS_CURRENCIES: &[&str] = &[
    "btc", "eth", "ltc", "bch", "bnb", "eos", "xrp", "xlm", "link", "dot", "yfi", "usd", "aed",
    "ars", "aud", "bdt", "bhd", "bmd", "brl", "cad", "chf", "clp", "cny", "czk", "dkk", "eur",
    "gbp", "gel", "hkd", "huf", "idr", "ils", "inr", "jpy", "krw", "kwd", "lkr", "mmk", "mxn",
    "myr", "ngn", "nok", "nzd", "php", "pkr", "pln", "rub", "sar", "sek", "sgd", "thb", "try",
    "twd", "uah", "vef", "vnd", "zar", "xdr", "xag", "xau", "bits", "sats",
];

/// The coins, keyed by id.
#[derive(Debug, Clone, Default)]
pub struct Market {
    coins: BTreeMap<String, Coin>,
}

impl Market {
    pub fn new(coins: impl IntoIterator<Item = Coin>) -> Self {
        Self {
            coins: coins.into_iter().map(|c| (c.id.clone(), c)).collect(),
        }
    }

    pub fn coin(&self, id: &str) -> Option<&Coin> {
        self.coins.get(id)
    }

    pub fn coins(&self) -> impl Iterator<Item = &Coin> {
        self.coins.values()
    }

    pub fn insert(&mut self, coin: Coin) {
        self.coins.insert(coin.id.clone(), coin);
    }

    /// Sets the number text sent for `id` in `currency`, verbatim.
    pub fn set_raw_price(&mut self, id: &str, currency: &str, text: &str) -> bool {
        match self.coins.get_mut(id) {
            Some(coin) => {
                coin.raw_prices.insert(currency.to_owned(), text.to_owned());
                true
            }
            None => false,
        }
    }

    /// The number text for a coin's price in `currency`; `None` when the currency is one the fake
    /// cannot convert to (the key is then left out, as the real API does for unsupported ones).
    pub fn price_text(&self, coin: &Coin, currency: &str) -> Option<String> {
        if let Some(raw) = coin.raw_prices.get(currency) {
            return Some(raw.clone());
        }
        let Some(usd) = coin.usd else {
            return Some("null".to_owned());
        };
        let price = match usd_rate(currency) {
            Some(rate) => usd * rate,
            None => {
                let per_unit = self.coin_for_vs(currency)?.usd?;
                usd.checked_div(per_unit)?
            }
        };
        Some(ruby_float_text(price))
    }

    pub fn change_text(&self, coin: &Coin) -> String {
        coin.change_24h
            .map(ruby_float_text)
            .unwrap_or_else(|| "null".to_owned())
    }

    /// The coin a crypto vs currency (`btc`, `eth`) stands for.
    fn coin_for_vs(&self, currency: &str) -> Option<&Coin> {
        let id = match currency {
            "btc" => "bitcoin",
            "eth" => "ethereum",
            "ltc" => "litecoin",
            "bnb" => "binancecoin",
            _ => return None,
        };
        self.coins.get(id)
    }

    /// Adds `count` synthetic coins (`fakecoin-00001` …) for scale tests.
    pub fn generate(&mut self, count: usize) {
        for n in 1..=count {
            let id = format!("fakecoin-{n:05}");
            let usd = Decimal::new(i64::try_from(n).unwrap_or(1) * 1_234_567, 6);
            let mut coin = Coin::new(
                &id,
                &format!("fk{n}"),
                &format!("Fake Coin {n}"),
                None,
                None,
            );
            coin.usd = Some(usd);
            self.insert(coin);
        }
    }
}

/// Formats a number the way Ruby's `Float#to_s` does, which is what CoinGecko's JSON carries:
/// at most 15 significant digits, exponent form below 1e-4 (`8.69e-05`), integers without a point.
pub fn ruby_float_text(value: Decimal) -> String {
    let value = value
        .round_sf_with_strategy(15, RoundingStrategy::MidpointNearestEven)
        .unwrap_or(value)
        .normalize();
    let small = Decimal::new(1, 4);
    if value.is_zero() || value.abs() >= small {
        return value.to_string();
    }
    // Scientific: mantissa digits and a two-digit negative exponent.
    let digits = value.mantissa().unsigned_abs().to_string();
    let exponent = i64::try_from(digits.len()).unwrap_or(0) - 1 - i64::from(value.scale());
    let (first, rest) = digits.split_at(1);
    let sign = if value.is_sign_negative() { "-" } else { "" };
    let fraction = if rest.is_empty() { "0" } else { rest };
    format!("{sign}{first}.{fraction}e-{:02}", -exponent)
}

/// The coins the fake serves by default: the ones Crypto Balance seeds, with realistic prices and
/// the shapes the real API sends (an integer price, exponent-form prices, a coin with no price, a
/// stale 24h change, and symbols shared by several coins).
pub fn default_coins() -> Vec<Coin> {
    // (id, symbol, name, market-cap rank, USD price)
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        Option<u32>,
        Option<&'static str>,
    );
    let table: &[Row] = &[
        (
            "bitcoin",
            "btc",
            "Bitcoin",
            Some(1),
            Some("67187.3358936566"),
        ),
        ("ethereum", "eth", "Ethereum", Some(2), Some("3421.77")),
        ("tether", "usdt", "Tether", Some(3), Some("1")),
        ("binancecoin", "bnb", "BNB", Some(4), Some("598.12")),
        ("solana", "sol", "Solana", Some(5), Some("172.45")),
        ("usd-coin", "usdc", "USDC", Some(6), Some("0.999912")),
        ("ripple", "xrp", "XRP", Some(7), Some("0.5213")),
        ("dogecoin", "doge", "Dogecoin", Some(8), Some("0.1572")),
        ("cardano", "ada", "Cardano", Some(9), Some("0.4551")),
        ("tron", "trx", "TRON", Some(10), Some("0.1198")),
        ("avalanche-2", "avax", "Avalanche", Some(11), Some("35.12")),
        ("chainlink", "link", "Chainlink", Some(12), Some("14.88")),
        ("polkadot", "dot", "Polkadot", Some(13), Some("6.91")),
        ("litecoin", "ltc", "Litecoin", Some(14), Some("83.4")),
        (
            "bitcoin-cash",
            "bch",
            "Bitcoin Cash",
            Some(15),
            Some("468.2"),
        ),
        ("stellar", "xlm", "Stellar", Some(16), Some("0.1102")),
        ("cosmos", "atom", "Cosmos Hub", Some(17), Some("8.42")),
        ("monero", "xmr", "Monero", Some(18), Some("121.5")),
        (
            "ethereum-classic",
            "etc",
            "Ethereum Classic",
            Some(19),
            Some("26.31"),
        ),
        ("uniswap", "uni", "Uniswap", Some(20), Some("7.45")),
        ("near", "near", "NEAR Protocol", Some(21), Some("5.87")),
        ("aptos", "apt", "Aptos", Some(22), Some("8.9")),
        ("sui", "sui", "Sui", Some(23), Some("1.02")),
        ("the-open-network", "ton", "Toncoin", Some(24), Some("6.95")),
        (
            "shiba-inu",
            "shib",
            "Shiba Inu",
            Some(25),
            Some("0.00002345"),
        ),
        ("dai", "dai", "Dai", Some(26), Some("1.0001")),
        (
            "wrapped-bitcoin",
            "wbtc",
            "Wrapped Bitcoin",
            Some(27),
            Some("67102.5"),
        ),
        ("algorand", "algo", "Algorand", Some(28), Some("0.181")),
        ("tezos", "xtz", "Tezos", Some(29), Some("0.98")),
        ("filecoin", "fil", "Filecoin", Some(30), Some("5.6")),
        ("arbitrum", "arb", "Arbitrum", Some(31), Some("1.05")),
        ("optimism", "op", "Optimism", Some(32), Some("2.45")),
        ("matic-network", "matic", "Polygon", Some(33), Some("0.71")),
        ("aave", "aave", "Aave", Some(34), Some("92.3")),
        ("maker", "mkr", "Maker", Some(35), Some("2845")),
        (
            "hedera-hashgraph",
            "hbar",
            "Hedera",
            Some(36),
            Some("0.0921"),
        ),
        (
            "internet-computer",
            "icp",
            "Internet Computer",
            Some(37),
            Some("12.1"),
        ),
        ("zcash", "zec", "Zcash", Some(38), Some("24.7")),
        ("kaspa", "kas", "Kaspa", Some(39), Some("0.1641")),
        ("pepe", "pepe", "Pepe", Some(40), Some("0.00000869")),
        ("render-token", "render", "Render", Some(41), Some("7.8")),
        ("vechain", "vet", "VeChain", Some(42), Some("0.0331")),
        ("0chain", "zcn", "Zus", Some(900), Some("0.0512")),
        ("01coin", "zoc", "01coin", None, None),
        // Symbols shared with a top coin, as in the real list.
        (
            "ethereum-wormhole",
            "eth",
            "Ethereum (Wormhole)",
            None,
            Some("3419.9"),
        ),
        (
            "bitcoin-avalanche-bridged-btc-b",
            "btc",
            "Bitcoin Avalanche Bridged (BTC.b)",
            Some(400),
            Some("67150.1"),
        ),
        (
            "solana-wormhole",
            "sol",
            "Solana (Wormhole)",
            None,
            Some("171.9"),
        ),
        ("batcat", "btc", "batcat", None, Some("0.000041")),
    ];
    let mut coins: Vec<Coin> = table
        .iter()
        .map(|(id, symbol, name, rank, usd)| Coin::new(id, symbol, name, *rank, *usd))
        .collect();
    for coin in &mut coins {
        if coin.id == "the-open-network" || coin.id == "01coin" {
            coin.change_24h = None;
        }
        if coin.id == "tether" {
            coin.change_24h = Some(Decimal::new(-3253112981338902, 18));
        }
        for (coin_id, platform, address) in PLATFORMS {
            if coin.id == *coin_id {
                coin.platforms
                    .insert((*platform).to_owned(), (*address).to_owned());
            }
        }
    }
    coins
}

/// Token contracts and mints of a few coins, as the real `/coins/list?include_platform=true`
/// has them (checksummed or not, as CoinGecko sends them).
const PLATFORMS: &[(&str, &str, &str)] = &[
    (
        "usd-coin",
        "ethereum",
        "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
    ),
    (
        "usd-coin",
        "base",
        "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
    ),
    (
        "usd-coin",
        "arbitrum-one",
        "0xaf88d065e77c8cc2239327c5edb3a432268e5831",
    ),
    (
        "usd-coin",
        "solana",
        "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    ),
    (
        "tether",
        "ethereum",
        "0xdac17f958d2ee523a2206206994597c13d831ec7",
    ),
    (
        "tether",
        "binance-smart-chain",
        "0x55d398326f99059ff775485246999027b3197955",
    ),
    (
        "dai",
        "ethereum",
        "0x6b175474e89094c44da98b954eedeac495271d0f",
    ),
    (
        "pepe",
        "ethereum",
        "0x6982508145454Ce325dDbE47a25d4ec3d2311933",
    ),
    (
        "arbitrum",
        "arbitrum-one",
        "0x912ce59144191c1204e64559fe8253a0e49e6548",
    ),
    (
        "optimism",
        "optimistic-ethereum",
        "0x4200000000000000000000000000000000000042",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        ruby_float_text(Decimal::from_str(s).unwrap_or_default())
    }

    #[test]
    fn formats_like_ruby_floats() {
        assert_eq!(text("0.0000869"), "8.69e-05");
        assert_eq!(text("0.00002345"), "2.345e-05");
        assert_eq!(text("-0.00001"), "-1.0e-05");
        assert_eq!(text("24660"), "24660");
        assert_eq!(text("67187.3358936566"), "67187.3358936566");
        assert_eq!(text("0.0001"), "0.0001");
        assert_eq!(text("1.23456789012345678"), "1.23456789012346");
    }

    #[test]
    fn converts_through_fiat_and_crypto_vs_currencies() {
        let market = Market::new(default_coins());
        let eth = market
            .coin("ethereum")
            .cloned()
            .unwrap_or_else(|| unreachable!());
        assert_eq!(market.price_text(&eth, "eur").as_deref(), Some("3148.0284"));
        assert!(market.price_text(&eth, "btc").is_some());
        assert_eq!(market.price_text(&eth, "xdr"), None);
        let dead = market
            .coin("01coin")
            .cloned()
            .unwrap_or_else(|| unreachable!());
        assert_eq!(market.price_text(&dead, "usd").as_deref(), Some("null"));
    }
}
