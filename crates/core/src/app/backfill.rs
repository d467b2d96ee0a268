//! Backfill: daily prices for every coin ever held, from its first entry, as far back as the
//! CoinGecko plan reaches (365 days on the public and demo plans), one call per coin per 365 days,
//! never faster than the plan's calls per minute. Days beyond the plan's reach stay gaps, listed.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;
use specta::Type;

use super::App;
use crate::clock::UnixTime;
use crate::clock::SECONDS_PER_DAY as DAY;
use crate::events::Event;
use crate::lots::history::BackfillProgress;
use crate::lots::load::DailyPrices;
use crate::rates::api_error::RetryPolicy;
use crate::rates::RatesError;
use crate::{settings, Error};

/// Days one range call covers at most: daily points, and the public plan's whole reach.
const CHUNK_DAYS: i64 = 365;

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
    pub calls: u32,
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
    async fn wait(&mut self) {
        if self.recent.len() >= self.per_minute {
            if let Some(oldest) = self.recent.pop_front() {
                let minute = Duration::from_secs(60);
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
    /// `progress` hears after each call. Safe to run again: covered years cost nothing.
    pub async fn backfill(
        &self,
        progress: impl Fn(&BackfillProgress),
    ) -> Result<BackfillReport, Error> {
        Ok(self.backfill_within(progress, Share::All).await?.0)
    }

    /// The sync loop's share of a backfill: at most half the plan's calls per minute, so with
    /// the cycle's own they stay within it, and none once a pass finds nothing left to fetch,
    /// until holdings change again. Returns the calls made.
    pub async fn backfill_step(&self) -> Result<u32, Error> {
        use std::sync::atomic::Ordering;
        if !self.backfill_due.load(Ordering::Relaxed) {
            return Ok(0);
        }
        let (report, finished) = self.backfill_within(|_| {}, Share::LoopStep).await?;
        if finished {
            self.backfill_due.store(false, Ordering::Relaxed);
        }
        Ok(report.calls)
    }

    /// The backfill within `share`; also whether it went through every coin.
    async fn backfill_within(
        &self,
        progress: impl Fn(&BackfillProgress),
        share: Share,
    ) -> Result<(BackfillReport, bool), Error> {
        let store = self.store().await?;
        let currency = settings::load(&store).await?.base_currency;
        let plan = self.rates.current_plan(&store).await?;
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
        let per_minute = plan.calls_per_minute();
        let most_calls = match share {
            Share::All => u32::MAX,
            Share::LoopStep => per_minute / 2,
        };
        let mut pace = Pace {
            per_minute: per_minute.max(1) as usize,
            recent: VecDeque::new(),
        };
        let mut report = BackfillReport {
            coins: held.len() as u32,
            calls: 0,
            points: 0,
            gaps: Vec::new(),
        };
        for (done, (coin, first_at)) in held.iter().enumerate() {
            let first = first_at.div_euclid(DAY).min(today);
            let start = reach.map_or(first, |r| first.max(r));
            if first < start {
                report.gaps.push(BackfillGap {
                    coin: coin.clone(),
                    coin_label: label(coin),
                    from: UnixTime::from_seconds(first * DAY),
                    to: UnixTime::from_seconds((start - 1) * DAY),
                    reason: format!(
                        "older than the {} plan's {} days of history",
                        plan.as_str(),
                        plan.history_days().unwrap_or(0)
                    ),
                });
            }
            let mut from = start;
            while from <= today {
                let to = (from + CHUNK_DAYS - 1).min(today);
                let covered = (from..=to).all(|day| daily.on(coin, day * DAY).is_some());
                if !covered && report.calls >= most_calls {
                    return Ok((report, false));
                }
                if !covered {
                    pace.wait().await;
                    // A second before the day: ranges give the points after `from`.
                    let range = (from * DAY - 1, ((to + 1) * DAY).min(now));
                    let fetched = match self
                        .rates
                        .fetch_range(&store, coin, &currency, range, now)
                        .await
                    {
                        // The sync loop's step does not wait: its next cycle goes on.
                        Err(RatesError::Api(e))
                            if share == Share::LoopStep
                                && matches!(e.retry_policy(), RetryPolicy::After(_)) =>
                        {
                            tracing::info!(error = %e, "backfill throttled until the next cycle");
                            return Ok((report, false));
                        }
                        Err(RatesError::Api(e))
                            if matches!(e.retry_policy(), RetryPolicy::After(_)) =>
                        {
                            // Throttled: wait as told (at most a minute), then once more.
                            if let RetryPolicy::After(wait) = e.retry_policy() {
                                tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
                            }
                            report.calls += 1;
                            pace.wait().await;
                            self.rates
                                .fetch_range(&store, coin, &currency, range, now)
                                .await
                        }
                        other => other,
                    };
                    report.calls += 1;
                    match fetched {
                        Ok(points) => report.points += points as u32,
                        // The vault failing is not a gap: stop and say so.
                        Err(RatesError::Store(error)) => return Err(error.into()),
                        Err(error) => report.gaps.push(BackfillGap {
                            coin: coin.clone(),
                            coin_label: label(coin),
                            from: UnixTime::from_seconds(from * DAY),
                            to: UnixTime::from_seconds(to * DAY),
                            reason: Error::from(error).to_string(),
                        }),
                    }
                    let step = BackfillProgress {
                        coin: coin.clone(),
                        coin_label: label(coin),
                        done: done as u32,
                        coins: report.coins,
                        days_left: (today - to).max(0) as u32,
                        calls: report.calls,
                        calls_per_minute: per_minute,
                    };
                    progress(&step);
                    self.publish(Event::BackfillProgress(step));
                }
                from = to + 1;
            }
        }
        Ok((report, true))
    }
}
