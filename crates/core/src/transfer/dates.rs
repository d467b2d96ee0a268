//! Times as exchanges write them: ISO 8601 with `T` or a space, optional seconds and fractions,
//! a zone as `Z`, ` UTC`, `+02:00`, `+0200` or ` +0000`, or none (then the file's zone is
//! assumed); two-digit years (`24-05-16 12:57:55`, Binance 2024+); day-first dotted dates
//! (`20.09.2019 13:00:00`); and month-first slashed dates (`5/9/2017 21:14`), the form
//! CoinTracking's US setting writes. Impossible dates (`2023-02-30`) are refused.

use crate::clock::{civil_from_days, days_from_civil};

/// Unix seconds of `text`; a time without a zone is read in `assumed_offset` (seconds east of UTC).
pub fn parse_time(text: &str, assumed_offset: i64) -> Option<i64> {
    let text = text.trim();
    let (date, rest) = match text.find(['T', ' ']) {
        Some(at) => (&text[..at], text[at + 1..].trim_start()),
        None => (text, ""),
    };
    let (year, month, day) = parse_date(date)?;
    let (seconds, zone) = if rest.is_empty() {
        (0, "")
    } else {
        parse_clock(rest)?
    };
    let offset = match zone.trim() {
        "" => assumed_offset,
        zone => parse_zone(zone)?,
    };
    let days = days_from_civil(year, month, day);
    if civil_from_days(days) != (year, month, day) {
        return None;
    }
    Some(days * 86_400 + seconds - offset)
}

fn number(text: &str) -> Option<i64> {
    (!text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn parse_date(date: &str) -> Option<(i64, u32, u32)> {
    let separator = date.chars().find(|c| matches!(c, '-' | '.' | '/'))?;
    let parts: Vec<&str> = date.split(separator).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (year, month, day) = match (separator, a.len(), c.len()) {
        (_, 4, _) => (number(a)?, number(b)?, number(c)?), // 2024-05-16, 2024/05/16
        ('-', 2, 2) => (2000 + number(a)?, number(b)?, number(c)?), // 24-05-16
        ('.', _, 4) => (number(c)?, number(b)?, number(a)?), // 20.09.2019
        ('/', _, 4) => (number(c)?, number(a)?, number(b)?), // 5/9/2017 (month first)
        _ => return None,
    };
    let month = u32::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
    let day = u32::try_from(day).ok().filter(|d| (1..=31).contains(d))?;
    Some((year, month, day))
}

/// `13:34:05.4856 UTC` -> (seconds of the day, the zone text after the clock).
fn parse_clock(text: &str) -> Option<(i64, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(text.len());
    let (clock, zone) = text.split_at(end);
    let clock = clock.split('.').next().unwrap_or(""); // fractions of a second are dropped
    let parts: Vec<&str> = clock.split(':').collect();
    let (hour, minute, second) = match parts.as_slice() {
        [h, m] => (number(h)?, number(m)?, 0),
        [h, m, s] => (number(h)?, number(m)?, number(s)?),
        _ => return None,
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some((hour * 3_600 + minute * 60 + second, zone))
}

/// `Z`, `UTC`, `GMT`, `+02:00`, `+0200`, `-04`, `UTC+1` -> seconds east of UTC.
pub fn parse_zone(zone: &str) -> Option<i64> {
    let zone = zone.trim();
    let zone = ["UTC", "GMT", "Z"]
        .iter()
        .find_map(|p| zone.strip_prefix(p))
        .unwrap_or(zone)
        .trim();
    if zone.is_empty() {
        return Some(0);
    }
    let sign = match zone.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    // Only ASCII digits from here on, so the slices below fall on character boundaries.
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        1 | 2 => (number(&digits)?, 0),
        3 => (number(&digits[..1])?, number(&digits[1..])?),
        4 => (number(&digits[..2])?, number(&digits[2..])?),
        _ => return None,
    };
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 3_600 + minutes * 60))
}

/// The zone Binance names in an export's file name: `…(UTC+8)_….csv`, `…(UTC--6)…` (UTC-6).
pub fn zone_in_file_name(name: &str) -> Option<i64> {
    let start = name.find("(UTC")? + 4;
    let rest = &name[start..];
    let zone = &rest[..rest.find(')')?];
    let zone = zone
        .strip_prefix("--")
        .map(|z| format!("-{z}"))
        .or_else(|| zone.strip_prefix("-+").map(|z| format!("+{z}")))
        .unwrap_or_else(|| zone.to_owned());
    parse_zone(&zone)
}

/// `+02:00` for a person reading a preview.
pub fn describe_offset(offset: i64) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// Any text as a zone, a date or a file name: an answer or none, never a panic (a
        /// multibyte character once sliced a zone in half).
        #[test]
        fn any_text_never_panics(text in "\\PC{0,24}") {
            let _ = parse_zone(&text);
            let _ = zone_in_file_name(&text);
            let _ = parse_zone(&format!("+{text}"));
            let _ = zone_in_file_name(&format!("x(UTC{text})y"));
        }
    }

    #[test]
    fn a_multibyte_zone_is_no_zone() {
        assert_eq!(parse_zone("+é1"), None);
        assert_eq!(parse_zone("-1é"), None);
    }

    use super::*;

    const JAN_2_2024: i64 = 1_704_153_600; // 2024-01-02T00:00:00Z

    #[test]
    fn every_layout_exchanges_write() {
        let at = |h: i64, m: i64, s: i64| JAN_2_2024 + h * 3_600 + m * 60 + s;
        let cases = [
            ("2024-01-02T13:45:10Z", at(13, 45, 10)),
            ("2024-01-02 13:45:10 UTC", at(13, 45, 10)),
            ("2024-01-02 13:45 UTC", at(13, 45, 0)),
            ("2024-01-02 13:45:10.4856", at(13, 45, 10)),
            ("2024-01-02 13:45:10+02:00", at(11, 45, 10)),
            ("2024-01-02 13:45:10 +0000", at(13, 45, 10)),
            ("2024-01-02T13:45:10-04:00", at(17, 45, 10)),
            ("24-01-02 13:45:10", at(13, 45, 10)),
            ("02.01.2024 13:45:10", at(13, 45, 10)),
            ("02.01.2024 13:45", at(13, 45, 0)),
            ("1/2/2024 13:45", at(13, 45, 0)),
            ("2024-01-02", at(0, 0, 0)),
            ("2024/01/02 13:45:10", at(13, 45, 10)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_time(text, 0), Some(want), "{text}");
        }
        assert_eq!(
            parse_time("2024-01-02 13:45:10", 3_600),
            Some(at(12, 45, 10))
        );
        assert_eq!(
            parse_time("2024-01-02 13:45:10Z", 3_600),
            Some(at(13, 45, 10))
        );
    }

    #[test]
    fn impossible_or_unclear_dates_are_refused() {
        for text in [
            "2023-02-30",
            "13/9/2017 21:14",
            "2024-13-01",
            "2024-01-02 25:00",
            "yesterday",
            "",
            "2024-01-02 12:00 PST",
        ] {
            assert_eq!(parse_time(text, 0), None, "{text}");
        }
    }

    #[test]
    fn zones_from_binance_file_names() {
        let name = "Binance-Transaction-History-202603230400(UTC--6)_abc.csv";
        assert_eq!(zone_in_file_name(name), Some(-6 * 3_600));
        assert_eq!(zone_in_file_name("x(UTC+8).csv"), Some(8 * 3_600));
        assert_eq!(zone_in_file_name("x(UTC+5:30).csv"), Some(19_800));
        assert_eq!(zone_in_file_name("x(UTC).csv"), Some(0));
        assert_eq!(zone_in_file_name("statement.csv"), None);
        assert_eq!(describe_offset(-6 * 3_600), "UTC-06:00");
        assert_eq!(describe_offset(19_800), "UTC+05:30");
    }
}
