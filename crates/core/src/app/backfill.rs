//! Backfill: daily prices for every coin ever held, from its first entry. CoinGecko serves the
//! days its plan reaches (the last 365 on the public and demo plans), DefiLlama the older ones in
//! US dollars; one call per coin per 365 days from each, never faster than the plan's calls per
//! minute. Days neither source has stay gaps, listed.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;
use specta::Type;

use super::App;
use crate::clock::UnixTime;
use crate::clock::SECONDS_PER_DAY as DAY;
use crate::currency::Currency;
use crate::events::Event;
use crate::lots::history::BackfillProgress;
use crate::lots::load::DailyPrices;
use crate::rates::api_error::RetryPolicy;
use crate::rates::{db, llama, older_resource, range_resource, OlderError, RatesError};
use crate::store::Store;
use crate::{settings, Error};

/// Days one range call covers at most: daily points, and the public plan's whole reach.
const CHUNK_DAYS: i64 = llama::MAX_DAYS as i64;

/// DefiLlama publishes no limit for its free API: stay polite.
const OLDER_PER_MINUTE: u32 = 60;

/// Days a backfill could not fill, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct BackfillGap {
    pub coin: String,
    /// "Bitcoin (BTC)".
    pub coin_label: String,
    pub from: UnixTime,
    pub to: UnixTime,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct BackfillReport {
    pub coins: u32,
    /// CoinGecko calls, counted against the plan's budget.
    pub calls: u32,
    /// DefiLlama calls, for days older than the plan reaches.
    pub older_calls: u32,
    pub points: u32,
    pub gaps: Vec<BackfillGap>,
}

/// How many calls a backfill may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Share {
    /// As many as it takes, paced to the plan's calls per minute.
    All,
    /// The sync loop's step: half the plan's calls per minute, and no waiting on a 429.
    LoopStep,
}

/// Keeps calls within `per_minute` in any sliding minute.
struct Pace {
    per_minute: usize,
    recent: VecDeque<Instant>,
}

impl Pace {
    fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1) as usize,
            recent: VecDeque::new(),
        }
    }

    async fn wait(&mut self) {
        if self.recent.len() >= self.per_minute {
            if let Some(oldest) = self.recent.pop_front() {
                // A second over the minute: a call reaches the server a little after it leaves.
                let minute = Duration::from_secs(61);
                let waited = oldest.elapsed();
                if waited < minute {
                    tokio::time::sleep(minute - waited).await;
                }
            }
        }
        self.recent.push_back(Instant::now());
    }
}

impl App {
    /// Fetches and stores the missing daily prices of every coin ever held, in the base currency.
    /// `progress` hears after each call. Safe to run again: covered years cost nothing. Waits
    /// for a backfill under way, then skips what it stored.
    pub async fn backfill(
        &self,
        progress: impl Fn(&BackfillProgress),
    ) -> Result<BackfillReport, Error> {
        let _one = self.backfilling.lock().await;
        Ok(self.backfill_within(progress, Share::All).await?.0)
    }

    /// The sync loop's share of a backfill: at most half the plan's calls per minute, so with
    /// the cycle's own they stay within it, and none once a pass finds nothing left to fetch,
    /// until holdings change again, or while a backfill is under way. Returns the calls made to
    /// CoinGecko and to DefiLlama.
    pub async fn backfill_step(&self) -> Result<(u32, u32), Error> {
        use std::sync::atomic::Ordering;
        if !self.backfill_due.load(Ordering::Relaxed) {
            return Ok((0, 0));
        }
        let Ok(_one) = self.backfilling.try_lock() else {
            return Ok((0, 0));
        };
        let (report, finished) = self.backfill_within(|_| {}, Share::LoopStep).await?;
        if finished {
            self.backfill_due.store(false, Ordering::Relaxed);
        }
        Ok((report.calls, report.older_calls))
    }

    /// The backfill within `share`; also whether it went through every coin.
    async fn backfill_within(
        &self,
        progress: impl Fn(&BackfillProgress),
        share: Share,
    ) -> Result<(BackfillReport, bool), Error> {
        let store = self.store().await?;
        let stored = settings::load(&store).await?;
        let plan = self.rates.plan(&stored);
        let currency = stored.base_currency;
        let held: Vec<(String, i64)> = sqlx::query_as(
            "SELECT asset_id, MIN(occurred_at) FROM entries JOIN assets ON assets.id = asset_id \
             WHERE assets.kind = 'coin' GROUP BY asset_id ORDER BY asset_id",
        )
        .fetch_all(store.pool())
        .await
        .map_err(|e| store.error(e))?;
        let daily = DailyPrices::load(&store, &currency).await?;
        let labels =
            super::profit::labels(&store, held.iter().map(|(coin, _)| coin.as_str())).await?;
        let label = |coin: &str| labels.get(coin).cloned().unwrap_or_else(|| coin.to_owned());
        let now = self.now();
        let today = now.div_euclid(DAY);
        let reach = plan.history_days().map(|days| today - i64::from(days) + 1);
        let beyond_plan = format!(
            "older than the {} plan's {} days of history",
            plan.as_str(),
            plan.history_days().unwrap_or(0)
        );
        let older_off = if !stored.older_prices {
            Some("DefiLlama is turned off in the settings".to_owned())
        } else if currency.as_str() != llama::CURRENCY {
            Some(format!(
                "DefiLlama prices in US dollars only, and the base currency is {}",
                currency.as_str().to_uppercase()
            ))
        } else {
            self.rates.older_source().err().map(str::to_owned)
        };
        let per_minute = plan.calls_per_minute();
        let (most_calls, most_older_calls) = match share {
            Share::All => (u32::MAX, u32::MAX),
            Share::LoopStep => (per_minute / 2, OLDER_PER_MINUTE / 6),
        };
        let mut pace = Pace::new(per_minute);
        let mut older_pace = Pace::new(OLDER_PER_MINUTE);
        let mut report = BackfillReport {
            coins: held.len() as u32,
            calls: 0,
            older_calls: 0,
            points: 0,
            gaps: Vec::new(),
        };
        let gap = |coin: &str, (from, to): (i64, i64), reason: String| BackfillGap {
            coin: coin.to_owned(),
            coin_label: label(coin),
            from: UnixTime::from_seconds(from * DAY),
            to: UnixTime::from_seconds(to * DAY),
            reason,
        };
        for (done, (coin, first_at)) in held.iter().enumerate() {
            let first = first_at.div_euclid(DAY).min(today);
            let older = older_off.as_ref().and(reach).filter(|r| first < *r);
            if let (Some(reach), Some(why)) = (older, &older_off) {
                report.gaps.push(gap(
                    coin,
                    (first, reach - 1),
                    format!("{beyond_plan}; {why}"),
                ));
            }
            for chunk in chunks(first, today, reach, older_off.is_none()) {
                if self
                    .stored(&store, &daily, coin, &currency, chunk, today)
                    .await?
                {
                    continue;
                }
                let fetched = match chunk.source {
                    Source::DefiLlama => {
                        if report.older_calls >= most_older_calls {
                            return Ok((report, false));
                        }
                        older_pace.wait().await;
                        report.older_calls += 1;
                        let days = (chunk.to - chunk.from + 1) as u32;
                        match self
                            .rates
                            .fetch_older(&store, coin, (chunk.from, days), now)
                            .await
                        {
                            Ok(points) => Ok(points),
                            Err(OlderError::Store(error)) => return Err(error.into()),
                            Err(error) => Err(format!("{beyond_plan}, and {error}")),
                        }
                    }
                    Source::CoinGecko => {
                        if report.calls >= most_calls {
                            return Ok((report, false));
                        }
                        match self
                            .fetch_recent(
                                &store,
                                coin,
                                &currency,
                                chunk.range(now),
                                share,
                                &mut pace,
                            )
                            .await
                        {
                            Recent::Fetched(calls, result) => {
                                report.calls += calls;
                                result.map_err(|error| error.to_string())
                            }
                            Recent::Throttled => return Ok((report, false)),
                            Recent::Failed(error) => return Err(error),
                        }
                    }
                };
                match fetched {
                    Ok(points) => report.points += points as u32,
                    Err(reason) => report.gaps.push(gap(coin, (chunk.from, chunk.to), reason)),
                }
                let step = BackfillProgress {
                    coin: coin.clone(),
                    coin_label: label(coin),
                    done: done as u32,
                    coins: report.coins,
                    days_left: (today - chunk.to).max(0) as u32,
                    calls: report.calls,
                    calls_per_minute: per_minute,
                };
                progress(&step);
                self.publish(Event::BackfillProgress(step));
            }
        }
        Ok((report, true))
    }

    /// Whether `chunk`'s days are already stored: every day has a price, or it was fetched
    /// before and lies wholly in the past (a past day never changes; a day a source lacks stays
    /// a gap rather than being asked for again and again).
    async fn stored(
        &self,
        store: &Store,
        daily: &DailyPrices,
        coin: &str,
        currency: &Currency,
        chunk: Chunk,
        today: i64,
    ) -> Result<bool, Error> {
        if (chunk.from..=chunk.to).all(|day| daily.on(coin, day * DAY).is_some()) {
            return Ok(true);
        }
        let resource = match chunk.source {
            Source::DefiLlama => older_resource(coin, chunk.from, chunk.to),
            Source::CoinGecko => {
                range_resource(coin, currency.as_str(), chunk.range(today * DAY).0)
            }
        };
        Ok(chunk.to < today && db::fetched_at(store, &resource).await?.is_some())
    }

    /// One CoinGecko call for `range` (Unix seconds), paced, and once more after a 429 unless
    /// this is the sync loop's step (its next cycle goes on instead).
    async fn fetch_recent(
        &self,
        store: &Store,
        coin: &str,
        currency: &Currency,
        range: (i64, i64),
        share: Share,
        pace: &mut Pace,
    ) -> Recent {
        // The call's own time counts it in its month's budget.
        let now = self.now();
        pace.wait().await;
        let first = self
            .rates
            .fetch_range(store, coin, currency, range, now)
            .await;
        let result = match first {
            Err(RatesError::Api(e)) if matches!(e.retry_policy(), RetryPolicy::After(_)) => {
                if share == Share::LoopStep {
                    tracing::info!(error = %e, "backfill throttled until the next cycle");
                    return Recent::Throttled;
                }
                // Throttled: wait as told (at most a minute), then once more.
                if let RetryPolicy::After(wait) = e.retry_policy() {
                    tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
                }
                pace.wait().await;
                let again = self
                    .rates
                    .fetch_range(store, coin, currency, range, now)
                    .await;
                return match again {
                    Err(RatesError::Store(error)) => Recent::Failed(error.into()),
                    other => Recent::Fetched(2, other.map_err(Error::from)),
                };
            }
            other => other,
        };
        match result {
            // The vault failing is not a gap: stop and say so.
            Err(RatesError::Store(error)) => Recent::Failed(error.into()),
            other => Recent::Fetched(1, other.map_err(Error::from)),
        }
    }
}

/// What one CoinGecko range fetch came to.
enum Recent {
    /// Calls made, and the points stored or why none were.
    Fetched(u32, Result<usize, Error>),
    /// Rate limited in the loop's step: stop until the next cycle.
    Throttled,
    /// The vault failed.
    Failed(Error),
}

/// Where a range of days comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    CoinGecko,
    DefiLlama,
}

/// Days `from..=to` (day numbers) of one coin, fetched from `source` in one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Chunk {
    from: i64,
    to: i64,
    source: Source,
}

impl Chunk {
    /// The seconds a CoinGecko range call asks for: from a second before the first day (ranges
    /// give the points after `from`) to the end of the last, or `now` if sooner.
    fn range(self, now: i64) -> (i64, i64) {
        (self.from * DAY - 1, ((self.to + 1) * DAY).min(now))
    }
}

/// The calls that cover `first..=today`: CoinGecko from the plan's `reach` (all of it without
/// one), DefiLlama before it when `older` may be asked, each call at most 365 days.
fn chunks(first: i64, today: i64, reach: Option<i64>, older: bool) -> Vec<Chunk> {
    let split = reach.map_or(first, |r| first.max(r));
    let mut out = Vec::new();
    let mut cover = |from: i64, end: i64, source: Source| {
        let mut from = from;
        while from <= end {
            let to = (from + CHUNK_DAYS - 1).min(end);
            out.push(Chunk { from, to, source });
            from = to + 1;
        }
    };
    if older {
        cover(first, split - 1, Source::DefiLlama);
    }
    cover(split, today, Source::CoinGecko);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_days_go_to_defillama_and_the_plans_year_to_coingecko() {
        let today = 2_000;
        let first = today - 364 - 4 * 365;
        let got = chunks(first, today, Some(today - 364), true);
        let sources: Vec<Source> = got.iter().map(|c| c.source).collect();
        assert_eq!(
            sources,
            [[Source::DefiLlama; 4].as_slice(), &[Source::CoinGecko]].concat()
        );
        assert_eq!(got[0].from, first);
        assert_eq!(got[3].to, today - 365);
        assert_eq!((got[4].from, got[4].to), (today - 364, today));
        assert!(got.iter().all(|c| c.to - c.from < CHUNK_DAYS));
        assert!(
            got.windows(2).all(|w| w[0].to + 1 == w[1].from),
            "no day left out"
        );
    }

    #[test]
    fn without_the_second_source_or_a_limit_only_coingecko_is_asked() {
        let off = chunks(100, 1_000, Some(700), false);
        assert_eq!(off.len(), 1);
        assert_eq!((off[0].from, off[0].source), (700, Source::CoinGecko));
        let pro = chunks(100, 1_000, None, true);
        assert_eq!(pro.len(), 3);
        assert!(pro.iter().all(|c| c.source == Source::CoinGecko));
        assert_eq!(chunks(1_000, 1_000, Some(700), true).len(), 1);
    }
}
