//! Exact numbers from JSON text: every digit CoinGecko sent, including exponent forms (`8.69e-05`)
//! and integers without a point. serde_json would round through `f64`; we read the raw text.

use rust_decimal::Decimal;
use serde_json::value::RawValue;

/// Why a JSON value is not a usable number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a number this app can hold exactly")]
pub struct NotANumber(pub String);

/// Parses JSON number text. `null` is "no value" (`Ok(None)`), never zero. Strings holding a
/// number (2018-era responses) are accepted too.
pub fn parse_json_number(raw: &RawValue) -> Result<Option<Decimal>, NotANumber> {
    let text = raw.get().trim();
    if text == "null" {
        return Ok(None);
    }
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    parse_decimal_text(text).map(Some)
}

/// Parses plain (`67187.3358936566`, `24660`, `-0.0032`) or exponent (`8.69e-05`, `1E+3`) text,
/// refusing anything that would lose digits.
pub fn parse_decimal_text(text: &str) -> Result<Decimal, NotANumber> {
    let fail = || NotANumber(text.chars().take(40).collect());
    if text.contains(['e', 'E']) {
        let value = Decimal::from_scientific(text).map_err(|_| fail())?;
        // from_scientific rounds mantissas longer than 28 digits: refuse rather than round.
        let (mantissa, _) = text.split_once(['e', 'E']).ok_or_else(fail)?;
        let digits = mantissa.chars().filter(char::is_ascii_digit).count();
        if digits > 28 {
            return Err(fail());
        }
        Ok(value)
    } else {
        Decimal::from_str_exact(text).map_err(|_| fail())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<Decimal>, NotANumber> {
        let raw = RawValue::from_string(text.to_owned()).map_err(|_| NotANumber(text.into()))?;
        parse_json_number(&raw)
    }

    fn exact(text: &str) -> String {
        parse(text)
            .ok()
            .flatten()
            .map(|d| d.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn keeps_every_digit_in_every_form() {
        assert_eq!(exact("67187.3358936566"), "67187.3358936566");
        assert_eq!(exact("24660"), "24660");
        assert_eq!(exact("19318125.0"), "19318125.0");
        assert_eq!(exact("-0.003253112981338902"), "-0.003253112981338902");
        assert_eq!(exact("8.69e-05"), "0.0000869");
        assert_eq!(exact("1.0e-05"), "0.000010");
        assert_eq!(exact("1.234E-5"), "0.00001234");
        assert_eq!(exact("1.5e3"), "1500");
        assert_eq!(exact("\"0.1\""), "0.1");
        assert_eq!(exact("1317802988326.25"), "1317802988326.25");
    }

    #[test]
    fn null_is_no_value_and_junk_is_an_error() {
        assert_eq!(parse("null"), Ok(None));
        assert!(parse("true").is_err());
        assert!(parse("\"abc\"").is_err());
        assert!(parse("1e400").is_err());
        assert!(parse("0.12345678901234567890123456789012").is_err());
    }
}
