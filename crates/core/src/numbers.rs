//! Numbers for people: the one set of rules every surface writes amounts, prices, values and
//! percentages with. The UI's `ui/src/lib/decimal.ts` follows the same rules; both are checked
//! against `fixtures/number-format.json`, so a notification, the tray, the CLI and a screen write
//! the same figure the same way.
//!
//! Formatting works on the exact decimal text (`Amount` and `Decimal` both print one), never on a
//! float: rounding is half away from zero on the digits themselves.

use std::fmt::Display;
use std::str::FromStr;
use std::sync::OnceLock;

use icu_decimal::input::Decimal as IcuDecimal;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;

/// The separators one locale writes numbers with: "1,234.5" (en-US), "1.234,5" (de-DE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberStyle {
    group: String,
    decimal: String,
}

impl Default for NumberStyle {
    fn default() -> Self {
        Self {
            group: ",".to_owned(),
            decimal: ".".to_owned(),
        }
    }
}

impl NumberStyle {
    /// The style of a BCP 47 locale tag ("de-DE", "fr"); an unknown tag keeps "," and ".".
    pub fn for_locale(tag: &str) -> Self {
        // Latin digits always: only the separators follow the locale, as in the UI.
        let tag = tag
            .split(['.', '@'])
            .next()
            .unwrap_or_default()
            .replace('_', "-");
        let Ok(locale) = Locale::from_str(&format!("{tag}-u-nu-latn")) else {
            return Self::default();
        };
        let Ok(formatter) = DecimalFormatter::try_new(locale.into(), Default::default()) else {
            return Self::default();
        };
        let Ok(sample) = IcuDecimal::from_str("12345.6") else {
            return Self::default();
        };
        Self::learned_from(&formatter.format(&sample).to_string()).unwrap_or_default()
    }

    /// The style of the system's locale, learned once per process.
    pub fn system() -> &'static Self {
        static SYSTEM: OnceLock<NumberStyle> = OnceLock::new();
        SYSTEM.get_or_init(|| {
            sys_locale::get_locale()
                .map(|tag| Self::for_locale(&tag))
                .unwrap_or_default()
        })
    }

    /// Reads the separators out of how the locale wrote 12345.6.
    fn learned_from(sample: &str) -> Option<Self> {
        let rest = sample.trim().strip_prefix("12")?;
        let (group, rest) = rest.split_once("345")?;
        let decimal = rest.strip_suffix('6')?;
        (!decimal.is_empty()).then(|| Self {
            group: group.to_owned(),
            decimal: decimal.to_owned(),
        })
    }

    /// An exact quantity, all its digits, grouped: "1,234,567.5".
    pub fn amount(&self, value: impl Display) -> String {
        self.grouped(&value.to_string())
    }

    /// A price or value without its currency: cents, or six significant decimals below 1;
    /// grouped in thousands: "33,593.67", "0.0000123457".
    pub fn money_number(&self, value: impl Display) -> String {
        let text = value.to_string();
        if split_plain(&text).is_none() {
            return text;
        }
        let mut text = small_price(&text);
        if !is_tiny(&text) {
            let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
            text = format!("{whole}.{fraction:0<2}");
        }
        self.grouped(&text)
    }

    /// Money with its currency code: "33,593.67 USD".
    pub fn money(&self, value: impl Display, currency: &str) -> String {
        format!("{} {}", self.money_number(value), currency.to_uppercase())
    }

    /// A percentage change with its sign, to two places: "+3.64%", "-0.33%", "0%".
    pub fn percent(&self, value: impl Display) -> String {
        let rounded = round_decimal(&value.to_string(), 2);
        if rounded == "0" {
            return "0%".to_owned();
        }
        let sign = if rounded.starts_with('-') { "" } else { "+" };
        format!("{sign}{}%", self.grouped(&rounded))
    }

    /// Writes a plain decimal string with this style's separators; other text is kept as it is.
    fn grouped(&self, text: &str) -> String {
        let Some((sign, whole, fraction)) = split_plain(text) else {
            return text.to_owned();
        };
        let mut out = String::from(sign);
        for (index, digit) in whole.chars().enumerate() {
            if index > 0 && (whole.len() - index) % 3 == 0 {
                out.push_str(&self.group);
            }
            out.push(digit);
        }
        if let Some(fraction) = fraction {
            out.push_str(&self.decimal);
            out.push_str(fraction);
        }
        out
    }
}

/// A plain decimal string's sign, whole digits and fraction digits: "-12.5" -> ("-", "12", "5").
fn split_plain(text: &str) -> Option<(&str, &str, Option<&str>)> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    (all_digits(whole) && fraction.is_none_or(all_digits)).then_some((sign, whole, fraction))
}

/// Whether a rounded money text is below one cent ("0.004", "-0.0012").
fn is_tiny(text: &str) -> bool {
    text.trim_start_matches('-').starts_with("0.0")
}

/// Cents above 1, six significant decimals below, trailing zeros trimmed.
fn small_price(text: &str) -> String {
    let leading_zeros = text
        .trim_start_matches('-')
        .strip_prefix("0.")
        .map(|fraction| fraction.len() - fraction.trim_start_matches('0').len());
    round_decimal(text, leading_zeros.map_or(2, |zeros| zeros + 6))
}

/// Rounds a plain decimal string to `places`, half away from zero, trimming trailing zeros.
fn round_decimal(text: &str, places: usize) -> String {
    let Some((sign, whole, fraction)) = split_plain(text.trim()) else {
        return text.to_owned();
    };
    let fraction = fraction.unwrap_or_default();
    if fraction.len() <= places {
        return trimmed(sign, whole, fraction);
    }
    let kept = format!("{whole}{}", &fraction[..places]);
    let digits = if fraction.as_bytes()[places] >= b'5' {
        incremented(&kept)
    } else {
        kept
    };
    let whole_length = digits.len() - places;
    trimmed(sign, &digits[..whole_length], &digits[whole_length..])
}

/// Adds one to a string of digits: "199" -> "200", "99" -> "100".
fn incremented(digits: &str) -> String {
    let mut out: Vec<char> = digits.chars().collect();
    for digit in out.iter_mut().rev() {
        match digit.to_digit(10) {
            Some(9) => *digit = '0',
            Some(n) => {
                *digit = char::from_digit(n + 1, 10).unwrap_or('0');
                return out.into_iter().collect();
            }
            None => {}
        }
    }
    std::iter::once('1').chain(out).collect()
}

/// "-", "007", "500" -> "-7.5"; a zero never keeps its sign.
fn trimmed(sign: &str, whole: &str, fraction: &str) -> String {
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    let text = if fraction.is_empty() {
        whole.to_owned()
    } else {
        format!("{whole}.{fraction}")
    };
    if text.bytes().all(|b| b == b'0' || b == b'.') {
        text
    } else {
        format!("{sign}{text}")
    }
}

#[cfg(test)]
mod tests;
