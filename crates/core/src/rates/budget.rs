//! How often the sync loop may call CoinGecko: never faster than CoinGecko's own cache, within the
//! plan's per-minute limit, and spread so the month's credits last until the month ends.

use std::time::Duration;

use crate::clock::{civil_from_days, days_from_civil};
use crate::plan::Plan;

/// Calls a day kept aside for the coin catalog (`/coins/list` and `/coins/markets`).
const CATALOG_CALLS_PER_DAY: u64 = 2;

const DAY: i64 = 86_400;

/// The shortest interval between refreshes of `calls_per_cycle` calls that keeps within `plan`'s
/// limits, given `used` credits already spent this month, at `now` (Unix seconds).
pub fn min_interval(plan: Plan, calls_per_cycle: u32, used: u64, now: i64) -> Duration {
    let calls = u64::from(calls_per_cycle.max(1));
    let per_minute = u64::from(plan.calls_per_minute().max(1));
    let mut seconds = plan.upstream_cache().as_secs().max(calls * 60 / per_minute);
    if let Some(credits) = plan.monthly_credits() {
        let left_in_month = u64::try_from((month_end(now) - now).max(1)).unwrap_or(1);
        let days_left = left_in_month.div_ceil(86_400);
        let spendable = credits
            .saturating_sub(used)
            .saturating_sub(days_left * CATALOG_CALLS_PER_DAY);
        let spread = if spendable < calls {
            // Out of credits: wait for the new month.
            left_in_month
        } else {
            (left_in_month * calls).div_ceil(spendable)
        };
        seconds = seconds.max(spread);
    }
    Duration::from_secs(seconds)
}

/// The interval to use: the user's choice, stretched to the budget when it is too short.
pub fn effective_interval(
    chosen: Duration,
    plan: Plan,
    calls_per_cycle: u32,
    used: u64,
    now: i64,
) -> Duration {
    chosen.max(min_interval(plan, calls_per_cycle, used, now))
}

/// `YYYY-MM` of a Unix time (UTC): the key of the monthly credit count.
pub fn month_key(now: i64) -> String {
    let (year, month, _) = civil_from_days(now.div_euclid(DAY));
    format!("{year:04}-{month:02}")
}

/// The first second of the next month (UTC). CoinGecko resets credits monthly.
pub fn month_end(now: i64) -> i64 {
    let (year, month, _) = civil_from_days(now.div_euclid(DAY));
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    days_from_civil(next_year, next_month, 1) * DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-24T12:00:00Z
    const NOW: i64 = 1_795_521_600;

    #[test]
    fn calendar_months() {
        assert_eq!(month_key(NOW), "2026-11");
        assert_eq!(month_end(NOW), 1_796_083_200); // 2026-12-01T00:00:00Z
        assert_eq!(month_key(1_798_761_599), "2026-12");
        assert_eq!(month_end(1_798_761_599), 1_798_761_600); // 2027-01-01
        assert_eq!(month_key(951_782_400), "2000-02"); // 2000-02-29, a leap day
    }

    #[test]
    fn never_faster_than_the_upstream_cache() {
        assert_eq!(min_interval(Plan::Pro, 1, 0, NOW), Duration::from_secs(20));
        assert_eq!(
            min_interval(Plan::Public, 1, 0, NOW),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn demo_credits_last_the_whole_month() {
        // A 30-day month of Demo: 10,000 credits, one call a cycle.
        let start = month_end(NOW) - 30 * 86_400 + 1;
        let interval = min_interval(Plan::Demo, 1, 0, start).as_secs();
        let cycles = (30 * 86_400) / interval;
        assert!(cycles + 30 * 2 <= 10_000, "{cycles} cycles at {interval} s");
        assert!(interval <= 300, "not needlessly slow: {interval} s");
        // Two calls a cycle halves the pace.
        assert!(min_interval(Plan::Demo, 2, 0, start).as_secs() >= 2 * interval - 1);
    }

    #[test]
    fn spent_credits_slow_the_loop_and_none_left_waits_for_next_month() {
        let fresh = min_interval(Plan::Demo, 1, 0, NOW);
        let spent = min_interval(Plan::Demo, 1, 9_000, NOW);
        assert!(spent > fresh);
        let out = min_interval(Plan::Demo, 1, 10_000, NOW);
        assert_eq!(
            out.as_secs(),
            u64::try_from(month_end(NOW) - NOW).unwrap_or(0)
        );
    }

    #[test]
    fn a_longer_chosen_interval_wins() {
        let chosen = Duration::from_secs(3_600);
        assert_eq!(effective_interval(chosen, Plan::Pro, 1, 0, NOW), chosen);
        assert!(
            effective_interval(Duration::from_secs(1), Plan::Demo, 1, 0, NOW)
                >= Duration::from_secs(60)
        );
    }
}
