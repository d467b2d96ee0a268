//! The time, passed in: production reads the system clock, tests set it.

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix seconds, UTC.
pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> i64;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that only moves when told.
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn at(seconds: i64) -> Self {
        FixedClock(AtomicI64::new(seconds))
    }
    pub fn set(&self, seconds: i64) {
        self.0.store(seconds, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A moment as Unix seconds, UTC: what the app shows and stores as a time (a plain number on the
/// wire and in the database). [`Clock::now`] stays an `i64` for arithmetic on durations.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
    sqlx::Type,
    utoipa::ToSchema,
)]
#[serde(transparent)]
#[sqlx(transparent)]
#[schema(example = 1764547200)]
pub struct UnixTime(i64);

/// Seconds in a (UTC) day: Unix time has no leap seconds.
pub const SECONDS_PER_DAY: i64 = 86_400;

impl UnixTime {
    pub const fn from_seconds(seconds: i64) -> Self {
        UnixTime(seconds)
    }

    pub fn seconds(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for UnixTime {
    /// As ISO 8601 UTC.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&iso8601(self.0))
    }
}

/// A Unix time as ISO 8601 UTC (`2026-11-24T12:00:00Z`), for people and exports.
pub fn iso8601(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3_600,
        in_day % 3_600 / 60,
        in_day % 60
    )
}

/// Howard Hinnant's days-to-civil-date algorithm (proleptic Gregorian, UTC).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let month = i64::from(month);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Reads an ISO 8601 style UTC time: `2024-01-02T03:04:05Z`, `2024-01-02 03:04:05`, with optional
/// fractional seconds, a `Z`, ` UTC` or a `+hh:mm`/`-hhmm` offset (no zone means UTC).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() < 19 || !matches!(bytes.get(10), Some(b'T' | b' ')) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators.iter().any(|(i, c)| bytes.get(*i) != Some(c))
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        rest = &fraction[digits..];
    }
    let offset = match rest.trim() {
        "" | "Z" | "UTC" | "+00:00" => 0,
        zone => {
            let sign = match zone.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours: i64 = digits[..2].parse().ok()?;
            let minutes: i64 = digits[2..].parse().ok()?;
            sign * (hours * 3_600 + minutes * 60)
        }
    };
    let month = u32::try_from(month).ok()?;
    let day = u32::try_from(day).ok()?;
    let days = days_from_civil(year, month, day);
    // Reject dates that do not exist (2023-02-30).
    if civil_from_days(days) != (year, month, day) {
        return None;
    }
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_times_exports_write() {
        let noon = Some(1_795_521_600);
        assert_eq!(parse_timestamp("2026-11-24T12:00:00Z"), noon);
        assert_eq!(parse_timestamp("2026-11-24 12:00:00"), noon);
        assert_eq!(parse_timestamp("2026-11-24 12:00:00 UTC"), noon);
        assert_eq!(parse_timestamp("2026-11-24T12:00:00.4856Z"), noon);
        assert_eq!(parse_timestamp("2026-11-24 08:00:00-04:00"), noon);
        assert_eq!(parse_timestamp("2026-11-24T13:00:00+0100"), noon);
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-13-01 00:00:00",
            "24-05-16 12:57:55",
            "yesterday",
            "2026-11-24T12:00:00 CET",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert_eq!(
            parse_timestamp(&iso8601(1_234_567_890)),
            Some(1_234_567_890)
        );
    }

    #[test]
    fn formats_utc_times() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_795_521_600), "2026-11-24T12:00:00Z");
        assert_eq!(iso8601(951_825_599), "2000-02-29T11:59:59Z");
    }
}
