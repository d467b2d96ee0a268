//! Net worth per day from the first entry: the ledger's holdings at each day's end times that
//! day's stored price, and the money put in so far (buys less sales). A day on which a held coin
//! has no price is a gap, never a zero.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use specta::Type;

use super::load::DailyPrices;
use super::LotEntry;
use crate::clock::UnixTime;
use crate::clock::SECONDS_PER_DAY as DAY;
use crate::ledger::EntryKind;
use crate::money::Amount;
use crate::valuation::OutOfRange;

/// Where a backfill of daily prices is, after each call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct BackfillProgress {
    pub coin: String,
    /// "Bitcoin (BTC)".
    pub coin_label: String,
    /// Coins finished so far, of `coins`.
    pub done: u32,
    pub coins: u32,
    /// Days of this coin still to fetch.
    pub days_left: u32,
    /// Calls made so far, never more than `calls_per_minute` in any minute.
    pub calls: u32,
    pub calls_per_minute: u32,
}

/// One day of the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Type, utoipa::ToSchema)]
pub struct DayValue {
    /// The day's start, 00:00 UTC.
    pub day: UnixTime,
    /// What everything held at the day's end was worth; `None` when a held coin had no price.
    pub value: Option<Decimal>,
    /// Buys less sales in the base currency up to the day's end (known values only).
    pub invested: Decimal,
    /// How many held coins had no price that day.
    pub missing: u32,
}

/// Fills the days that have no value with what was recorded live that day (`recorded`: day number
/// to the total of its last complete snapshot). Days with a value keep it: they agree with
/// `invested`, worked from the same ledger.
pub fn fill_from_snapshots(days: &mut [DayValue], recorded: &HashMap<i64, Decimal>) {
    for day in days.iter_mut().filter(|d| d.value.is_none()) {
        if let Some(total) = recorded.get(&day.day.seconds().div_euclid(DAY)) {
            day.value = Some(*total);
        }
    }
}

/// One point per day from `from` (default: the first entry's day) through `to`'s day.
///
/// `currency` is the base currency's asset id: held at face value. Other fiat needs a daily price
/// like any coin.
pub fn daily(
    entries: &[LotEntry],
    prices: &DailyPrices,
    currency: &str,
    from: Option<i64>,
    to: i64,
) -> Result<Vec<DayValue>, OutOfRange> {
    let mut order: Vec<&LotEntry> = entries.iter().collect();
    order.sort_by_key(|e| (e.at, e.id));
    let Some(first) = order.first() else {
        return Ok(Vec::new());
    };
    let start = from.unwrap_or(first.at).div_euclid(DAY);
    let end = to.div_euclid(DAY);
    let overflow = || OutOfRange::new("the net worth of a day");
    let mut held: HashMap<&str, Amount> = HashMap::new();
    let mut invested = Decimal::ZERO;
    let mut next = order.iter().peekable();
    let mut days = Vec::with_capacity(usize::try_from(end - start + 1).unwrap_or(0));
    // From the first entry's day, so entries before `from` count in the holdings it starts with.
    for day in first.at.div_euclid(DAY).min(start)..=end {
        let day_end = (day + 1) * DAY;
        while let Some(e) = next.next_if(|e| e.at < day_end) {
            let amount = held.entry(e.asset.as_str()).or_default();
            *amount = amount.checked_add(e.amount).ok_or_else(overflow)?;
            if !e.fiat {
                invested = match (e.kind, e.value) {
                    (EntryKind::Buy, Some(v)) => invested.checked_add(v),
                    (EntryKind::Sell, Some(v)) => invested.checked_sub(v),
                    _ => Some(invested),
                }
                .ok_or_else(overflow)?;
            }
        }
        if day < start {
            continue;
        }
        let mut value = Decimal::ZERO;
        let mut missing = 0u32;
        for (asset, amount) in &held {
            if amount.is_zero() {
                continue;
            }
            let price = if *asset == currency {
                Some(Decimal::ONE)
            } else {
                prices.on(asset, day * DAY)
            };
            match price {
                Some(p) => {
                    let worth = amount.to_decimal().checked_mul(p).ok_or_else(overflow)?;
                    value = value.checked_add(worth).ok_or_else(overflow)?;
                }
                None => missing += 1,
            }
        }
        days.push(DayValue {
            day: UnixTime::from_seconds(day * DAY),
            value: (missing == 0).then(|| value.normalize()),
            invested: invested.normalize(),
            missing,
        });
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AccountId;

    const JAN1: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z

    fn entry(
        id: i64,
        at: i64,
        asset: &str,
        qty: &str,
        kind: EntryKind,
        value: Option<i64>,
    ) -> LotEntry {
        LotEntry {
            id,
            at,
            account: AccountId::new(1),
            asset: asset.into(),
            fiat: asset == "usd",
            amount: qty.parse().unwrap_or_default(),
            kind,
            value: value.map(Decimal::from),
            link: None,
        }
    }

    #[test]
    fn days_start_at_the_first_entry_and_a_missing_price_is_a_gap() {
        let entries = vec![
            entry(
                1,
                JAN1 + 3_600,
                "bitcoin",
                "1",
                EntryKind::Buy,
                Some(40_000),
            ),
            entry(
                2,
                JAN1 + 2 * DAY + 60,
                "bitcoin",
                "-0.5",
                EntryKind::Sell,
                Some(22_000),
            ),
        ];
        let prices = DailyPrices::from_rows([
            ("bitcoin".to_owned(), JAN1, Decimal::from(41_000)),
            ("bitcoin".to_owned(), JAN1 + 2 * DAY, Decimal::from(44_000)),
        ]);
        let days = daily(&entries, &prices, "usd", None, JAN1 + 2 * DAY + 100).unwrap_or_default();
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].day, UnixTime::from_seconds(JAN1));
        assert_eq!(days[0].value, Some(Decimal::from(41_000)));
        assert_eq!(days[0].invested, Decimal::from(40_000));
        assert_eq!(
            (days[1].value, days[1].missing),
            (None, 1),
            "no price: a gap, not 0"
        );
        assert_eq!(days[2].value, Some(Decimal::from(22_000)));
        assert_eq!(days[2].invested, Decimal::from(18_000));
    }

    #[test]
    fn the_base_currency_counts_at_face_value_and_from_cuts_the_start() {
        let entries = vec![entry(1, JAN1, "usd", "100", EntryKind::Deposit, None)];
        let days = daily(
            &entries,
            &DailyPrices::default(),
            "usd",
            Some(JAN1 + DAY),
            JAN1 + DAY,
        )
        .unwrap_or_default();
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].value, Some(Decimal::from(100)));
    }
}
