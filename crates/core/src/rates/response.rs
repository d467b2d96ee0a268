//! Reading CoinGecko's answers: `/simple/price` and `/market_chart` bodies into exact quotes and
//! points, and JSON errors into [`ApiError::Malformed`] with a reason a person can read.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::api_error::ApiError;
use super::client::FetchedQuote;
use super::number::parse_json_number;
use crate::money::Price;

pub(super) fn malformed(error: &serde_json::Error) -> ApiError {
    ApiError::Malformed(format!(
        "{} at line {}",
        error.classify_kind(),
        error.line()
    ))
}

trait ClassifyKind {
    fn classify_kind(&self) -> &'static str;
}

impl ClassifyKind for serde_json::Error {
    fn classify_kind(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "unexpected JSON shape",
            serde_json::error::Category::Eof => "JSON cut off",
        }
    }
}

/// Reads a `/simple/price` body: `{id: {cur: n, cur_24h_change: n, last_updated_at: s}}`. Unknown
/// ids are absent; a `null` or unreadable price is a quote without a price.
pub fn parse_simple_price(
    body: &str,
    currencies: &[String],
) -> Result<Vec<FetchedQuote>, ApiError> {
    let parsed: HashMap<String, HashMap<String, &RawValue>> =
        serde_json::from_str(body).map_err(|e| malformed(&e))?;
    let mut quotes = Vec::with_capacity(parsed.len() * currencies.len());
    for (coin, fields) in parsed {
        let last_updated_at = fields
            .get("last_updated_at")
            .and_then(|raw| raw.get().parse::<i64>().ok());
        for currency in currencies {
            let Some(raw_price) = fields.get(currency.as_str()) else {
                continue;
            };
            let price = parse_json_number(raw_price)
                .unwrap_or_else(|e| {
                    tracing::warn!(%coin, %currency, error = %e, "unreadable price ignored");
                    None
                })
                .and_then(|price| believable(price, &coin, currency));
            let change_24h = fields
                .get(format!("{currency}_24h_change").as_str())
                .and_then(|raw| parse_json_number(raw).ok().flatten());
            quotes.push(FetchedQuote {
                coin: coin.clone(),
                currency: currency.clone(),
                price,
                change_24h,
                last_updated_at,
            });
        }
    }
    Ok(quotes)
}

/// A price at or below zero or beyond [`crate::money::MAX_PRICE`] is no price: the coin shows as
/// unpriced (never as worth zero), alerts do not see it, and the log says why.
fn believable(price: Decimal, coin: &str, currency: &str) -> Option<Decimal> {
    match Price::new(price) {
        Ok(price) => Some(price.get()),
        Err(why) => {
            tracing::warn!(%coin, %currency, %why, "price from CoinGecko refused");
            None
        }
    }
}

/// Reads `prices` from a market chart: `[[ms, price], …]`, kept as whole seconds.
pub(super) fn parse_chart(body: &str) -> Result<Vec<(i64, Decimal)>, ApiError> {
    #[derive(Deserialize)]
    struct Chart<'a> {
        #[serde(borrow)]
        prices: Vec<(i64, &'a RawValue)>,
    }
    let chart: Chart<'_> = serde_json::from_str(body).map_err(|e| malformed(&e))?;
    Ok(chart
        .prices
        .into_iter()
        .filter_map(|(ms, raw)| {
            let price = parse_json_number(raw).ok().flatten()?;
            Some((ms / 1000, Price::new(price).ok()?.get()))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_price_keeps_exact_numbers_and_nulls() {
        let body = r#"{"bitcoin":{"usd":67187.3358936566,"usd_24h_change":3.63727894677354,"last_updated_at":1711356300},
                       "pepe":{"usd":8.69e-05,"usd_24h_change":null},"dead":{"usd":null},"nothing":{}}"#;
        let mut quotes = parse_simple_price(body, &["usd".to_owned()]).unwrap_or_default();
        quotes.sort_by(|a, b| a.coin.cmp(&b.coin));
        assert_eq!(quotes.len(), 3);
        assert_eq!(
            quotes[0].price.map(|p| p.to_string()).as_deref(),
            Some("67187.3358936566")
        );
        assert_eq!(
            quotes[0].change_24h.map(|p| p.to_string()).as_deref(),
            Some("3.63727894677354")
        );
        assert_eq!(quotes[0].last_updated_at, Some(1_711_356_300));
        assert_eq!(quotes[1].price, None);
        assert_eq!(
            quotes[2].price.map(|p| p.to_string()).as_deref(),
            Some("0.0000869")
        );
        assert_eq!(quotes[2].change_24h, None);
        assert!(matches!(
            parse_simple_price("{\"bitcoin\":{\"usd\":6718", &["usd".to_owned()]),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(
            parse_simple_price("<html>", &[]),
            Err(ApiError::Malformed(_))
        ));
    }

    #[test]
    fn charts_come_back_in_seconds() {
        let body = r#"{"prices":[[1711843200000,69702.3087473573],[1711983682000,68887.7495158568]],"market_caps":[],"total_volumes":[]}"#;
        let points = parse_chart(body).unwrap_or_default();
        assert_eq!(points.len(), 2);
        assert_eq!(points[1].0, 1_711_983_682);
        assert_eq!(points[0].1.to_string(), "69702.3087473573");
    }

    #[test]
    fn zero_negative_and_absurd_prices_are_no_price() {
        let body = r#"{"a":{"usd":0},"b":{"usd":-1.5},"c":{"usd":1e30},"d":{"usd":2}}"#;
        let mut quotes = parse_simple_price(body, &["usd".to_owned()]).unwrap_or_default();
        quotes.sort_by(|x, y| x.coin.cmp(&y.coin));
        let prices: Vec<Option<String>> = quotes
            .iter()
            .map(|q| q.price.map(|p| p.to_string()))
            .collect();
        assert_eq!(prices, [None, None, None, Some("2".to_owned())]);
        let chart = r#"{"prices":[[1000,0],[2000,-3],[3000,5]]}"#;
        assert_eq!(parse_chart(chart).unwrap_or_default().len(), 1);
    }

    mod hostile {
        use proptest::prelude::*;

        use super::super::*;

        /// JSON-shaped text with numbers of any size, keys and nesting that may not fit.
        fn jsonish() -> impl Strategy<Value = String> {
            "[{}\\[\\],:\"a-z0-9.eE+-]{0,300}"
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2_000))]

            #[test]
            fn simple_price_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), text in jsonish()) {
                let currencies = ["usd".to_owned(), "eur".to_owned()];
                let _ = parse_simple_price(&String::from_utf8_lossy(&bytes), &currencies);
                let _ = parse_simple_price(&text, &currencies);
                let shaped = format!(r#"{{"bitcoin":{{"usd":{text},"usd_24h_change":{text},"last_updated_at":{text}}}}}"#);
                let _ = parse_simple_price(&shaped, &currencies);
            }

            #[test]
            fn charts_and_lists_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), text in jsonish()) {
                let _ = parse_chart(&String::from_utf8_lossy(&bytes));
                let _ = parse_chart(&text);
                let _ = parse_chart(&format!(r#"{{"prices":[[{text},{text}]]}}"#));
                let _ = serde_json::from_str::<Vec<super::super::super::client::Listing>>(&text);
            }
        }
    }
}
