//! Numbers as exchanges write them, read exactly: currency symbols glued on (`€3343.11`,
//! `-€597.49`, `$1,234.56`), brackets for negatives (`($5.00)`), thousands separators, decimal
//! commas in `;`-separated re-saves (`0,5`, `1.250,5`), exponents (`-3.605E-05`) and amounts with
//! their asset glued on (`0.1800000000SOL`). Nothing is ever rounded: text that is not one exact
//! number is refused.

use rust_decimal::Decimal;

use crate::money::Amount;
use crate::rates::number::parse_decimal_text;

/// How a file writes its decimals: `;`-separated files from European spreadsheets use commas.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumberStyle {
    pub decimal_comma: bool,
}

const CURRENCY_SYMBOLS: [char; 9] = ['€', '$', '£', '¥', '₩', '₹', '₽', '₿', '₺'];

/// The plain decimal text (`-1234.5`, `0.0000006`) of a number, or `None`.
pub fn plain(text: &str, style: NumberStyle) -> Option<String> {
    let mut text = text.trim();
    let mut negative = false;
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        negative = true;
        text = inner.trim();
    }
    // `US$5`, `A$5`: a letter prefix glued to a symbol goes with it.
    let mut cleaned: String = text
        .chars()
        .filter(|c| {
            !CURRENCY_SYMBOLS.contains(c) && !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')
        })
        .collect();
    if let Some(rest) = ["US", "CA", "AU", "NZ", "A", "C"]
        .iter()
        .find_map(|p| cleaned.strip_prefix(p))
        .filter(|rest| {
            text.contains('$') && rest.starts_with(|c: char| c.is_ascii_digit() || c == '-')
        })
    {
        cleaned = rest.to_owned();
    }
    let (sign, digits) = match cleaned.as_bytes().first() {
        Some(b'-') => ("-", &cleaned[1..]),
        Some(b'+') => ("", &cleaned[1..]),
        _ => ("", cleaned.as_str()),
    };
    if negative && !sign.is_empty() {
        return None; // `(-5)` is not a number anyone writes
    }
    let sign = if negative { "-" } else { sign };
    let digits = separators(digits, style)?;
    if digits.contains(['e', 'E']) {
        let value = parse_decimal_text(&digits).ok()?;
        return Some(format!("{sign}{}", value.normalize()));
    }
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("");
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    Some(format!("{sign}{digits}"))
}

/// `1,234.5` -> `1234.5`; `0,5` -> `0.5`; with decimal commas `1.234,5` -> `1234.5`.
fn separators(text: &str, style: NumberStyle) -> Option<String> {
    let has_comma = text.contains(',');
    if !has_comma {
        return Some(text.to_owned());
    }
    let has_point = text.contains('.');
    if style.decimal_comma || !has_point && !is_grouped(text) {
        // A decimal comma: any points group thousands.
        if text.matches(',').count() > 1 {
            return None;
        }
        return Some(text.replace('.', "").replace(',', "."));
    }
    // Commas group thousands: `1,234` or `1,234.56`.
    let whole = text.split('.').next().unwrap_or("");
    is_grouped(whole).then(|| text.replace(',', ""))
}

/// `1,234,567`: one to three digits, then groups of exactly three.
fn is_grouped(text: &str) -> bool {
    let mut groups = text.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// An exact amount (up to 18 decimals).
pub fn amount(text: &str, style: NumberStyle) -> Result<Amount, String> {
    plain(text, style)
        .and_then(|plain| plain.parse::<Amount>().ok())
        .ok_or_else(|| {
            format!(
                "'{}' is not an amount (a decimal with up to 18 places)",
                text.trim()
            )
        })
}

/// An exact decimal (prices, values).
pub fn decimal(text: &str, style: NumberStyle) -> Result<Decimal, String> {
    plain(text, style)
        .and_then(|plain| Decimal::from_str_exact(&plain).ok())
        .ok_or_else(|| format!("'{}' is not a number", text.trim()))
}

/// `0.1800000000SOL` -> (`0.1800000000`, `SOL`). The unit is the first of `units` the text ends
/// with, else the letters after the number.
pub fn split_unit<'a>(text: &'a str, units: &[&str]) -> Option<(&'a str, &'a str)> {
    let text = text.trim();
    for unit in units.iter().filter(|u| !u.is_empty()) {
        if text.len() > unit.len()
            && text
                .to_ascii_uppercase()
                .ends_with(&unit.to_ascii_uppercase())
        {
            let at = text.len() - unit.len();
            if text.is_char_boundary(at) {
                return Some((text[..at].trim(), &text[at..]));
            }
        }
    }
    let at = unit_start(text)?;
    let (number, unit) = text.split_at(at);
    (!number.trim().is_empty()).then_some((number.trim(), unit.trim()))
}

/// Where the letters after a number begin; an exponent (`E-5`) is part of the number.
fn unit_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphabetic() || !b.is_ascii() {
            let next = bytes.get(i + 1).copied().unwrap_or(b' ');
            let after = bytes.get(i + 2).copied().unwrap_or(b' ');
            let exponent = matches!(b, b'e' | b'E')
                && i > 0
                && (next.is_ascii_digit() || matches!(next, b'-' | b'+') && after.is_ascii_digit());
            if !exponent {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMA: NumberStyle = NumberStyle {
        decimal_comma: false,
    };
    const EU: NumberStyle = NumberStyle {
        decimal_comma: true,
    };

    #[test]
    fn exchange_numbers_read_exactly() {
        let cases = [
            ("€3343.11229989", "3343.11229989"),
            ("-€597.49846", "-597.49846"),
            ("€-597.49846", "-597.49846"),
            ("$1,234.56", "1234.56"),
            ("($5.00)", "-5.00"),
            ("US$166.159", "166.159"),
            ("-3.605E-05", "-0.00003605"),
            ("6.0E-7", "0.0000006"),
            ("+12", "12"),
            ("0,5", "0.5"),
            ("1,250.5", "1250.5"),
            ("1,250", "1250"),
            (" 96847.405873901104437015 ", "96847.405873901104437015"),
        ];
        for (text, want) in cases {
            assert_eq!(plain(text, COMMA).as_deref(), Some(want), "{text}");
        }
        assert_eq!(plain("1.250,5", EU).as_deref(), Some("1250.5"));
        assert_eq!(plain("0,5", EU).as_deref(), Some("0.5"));
        assert_eq!(plain("1 250,5", EU).as_deref(), Some("1250.5"));
        assert_eq!(plain("12.5", EU).as_deref(), Some("12.5"));
    }

    #[test]
    fn anything_else_is_refused_not_rounded() {
        for text in [
            "", "abc", "1.2.3", "1,2,3", "(-5)", "--5", "12,34,5", "5 BTC", "1e",
        ] {
            assert_eq!(plain(text, COMMA), None, "{text}");
        }
        assert!(amount("0.1234567890123456789", COMMA).is_err(), "19 places");
    }

    #[test]
    fn units_split_off_by_the_pair_first() {
        assert_eq!(
            split_unit("0.1800000000SOL", &["SOL", "BUSD"]),
            Some(("0.1800000000", "SOL"))
        );
        assert_eq!(
            split_unit("19.8054BUSD", &["SOL", "BUSD"]),
            Some(("19.8054", "BUSD"))
        );
        assert_eq!(
            split_unit("5.01INCH", &["1INCH", "USDT"]),
            Some(("5.0", "1INCH"))
        );
        assert_eq!(
            split_unit("0.0001BNB", &["SOL", "BUSD"]),
            Some(("0.0001", "BNB"))
        );
        assert_eq!(split_unit("1.5E-5BNB", &[]), Some(("1.5E-5", "BNB")));
        assert_eq!(split_unit("0.5ETH", &[]), Some(("0.5", "ETH")));
        assert_eq!(split_unit("BNB", &[]), None);
    }
}
