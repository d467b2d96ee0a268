//! The loop's timing under paused tokio time: no sleeps, no network.

use std::collections::VecDeque;
use std::sync::Mutex;

use rust_decimal::Decimal;

use super::*;
use crate::clock::UnixTime;
use crate::currency::Currency;

const MINUTE: Duration = Duration::from_secs(60);

fn success(interval: Duration) -> Result<CycleReport, CycleFailure> {
    Ok(CycleReport {
        at: UnixTime::from_seconds(0),
        calls: 1,
        updated: 1,
        missing: Vec::new(),
        total: Decimal::ONE,
        currency: Currency::usd(),
        alerts_fired: Vec::new(),
        next_interval: interval,
    })
}

fn failure(retry: RetryPolicy) -> Result<CycleReport, CycleFailure> {
    Err(CycleFailure {
        message: "CoinGecko is having trouble".into(),
        code: ErrorCode::CoingeckoUnavailable,
        retry,
        interval: MINUTE,
    })
}

/// Plays scripted results (then succeeds every minute) and records when each cycle started.
#[derive(Clone)]
struct Scripted(Arc<Script>);

struct Script {
    start: Instant,
    results: Mutex<VecDeque<Result<CycleReport, CycleFailure>>>,
    runs: Mutex<Vec<u64>>,
    /// How long each cycle takes.
    duration: Duration,
}

impl Scripted {
    fn new(results: Vec<Result<CycleReport, CycleFailure>>) -> Self {
        Self::taking(results, Duration::ZERO)
    }

    fn taking(results: Vec<Result<CycleReport, CycleFailure>>, duration: Duration) -> Self {
        Scripted(Arc::new(Script {
            start: Instant::now(),
            results: Mutex::new(results.into()),
            runs: Mutex::new(Vec::new()),
            duration,
        }))
    }

    /// Seconds after the start at which cycles began.
    fn runs(&self) -> Vec<u64> {
        self.0.runs.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Cycle for Scripted {
    async fn run(&self) -> Result<CycleReport, CycleFailure> {
        let elapsed = self.0.start.elapsed().as_secs();
        if let Ok(mut runs) = self.0.runs.lock() {
            runs.push(elapsed);
        }
        tokio::time::sleep(self.0.duration).await;
        let next = self.0.results.lock().ok().and_then(|mut r| r.pop_front());
        next.unwrap_or_else(|| success(MINUTE))
    }

    fn now(&self) -> i64 {
        i64::try_from(self.0.start.elapsed().as_secs()).unwrap_or(0)
    }
}

fn lock() -> (tempfile::TempDir, SyncLock) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lock = SyncLock::acquire(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    (dir, lock)
}

async fn wait(seconds: u64) {
    tokio::time::sleep(Duration::from_secs(seconds)).await;
}

#[tokio::test(start_paused = true)]
async fn runs_at_once_then_every_interval() {
    let (_dir, lock) = lock();
    let script = Scripted::new(vec![success(MINUTE), success(2 * MINUTE)]);
    let handle = SyncHandle::spawn(script.clone(), lock);
    wait(250).await;
    assert_eq!(script.runs(), [0, 60, 180, 240]);
    assert_eq!(handle.status().state, SyncState::Idle);
    handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn failures_back_off_exponentially_with_jitter_then_recover() {
    let (_dir, lock) = lock();
    let script = Scripted::new(vec![
        failure(RetryPolicy::Backoff),
        failure(RetryPolicy::Backoff),
        failure(RetryPolicy::Backoff),
    ]);
    let handle = SyncHandle::spawn(script.clone(), lock);
    wait(600).await;
    let runs = script.runs();
    let gaps: Vec<u64> = runs.windows(2).map(|w| w[1] - w[0]).collect();
    assert!((15..=30).contains(&gaps[0]), "{gaps:?}");
    assert!((30..=60).contains(&gaps[1]), "{gaps:?}");
    assert!((60..=120).contains(&gaps[2]), "{gaps:?}");
    // Recovered: back to the normal interval.
    assert_eq!(gaps[3], 60, "{gaps:?}");
    handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_exactly_as_long_as_retry_after_says() {
    let (_dir, lock) = lock();
    let script = Scripted::new(vec![failure(RetryPolicy::After(Duration::from_secs(53)))]);
    let handle = SyncHandle::spawn(script.clone(), lock);
    wait(10).await;
    let status = handle.status();
    assert_eq!(status.state, SyncState::BackingOff);
    assert_eq!(status.next_at, Some(UnixTime::from_seconds(53)));
    assert_eq!(status.error_code, Some(ErrorCode::CoingeckoUnavailable));
    wait(50).await;
    assert_eq!(script.runs(), [0, 53]);
    handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn plan_mistakes_keep_the_normal_pace_and_say_why() {
    let (_dir, lock) = lock();
    let script = Scripted::new(vec![
        failure(RetryPolicy::NeedsUser),
        failure(RetryPolicy::NeedsUser),
    ]);
    let handle = SyncHandle::spawn(script.clone(), lock);
    wait(30).await;
    assert_eq!(handle.status().state, SyncState::NeedsAttention);
    assert!(handle.status().message.is_some());
    wait(100).await;
    assert_eq!(script.runs(), [0, 60, 120]);
    handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn missed_ticks_are_skipped_not_replayed() {
    let (_dir, lock) = lock();
    // Each cycle takes 150 s, longer than the 60 s interval.
    let script = Scripted::taking(Vec::new(), Duration::from_secs(150));
    let handle = SyncHandle::spawn(script.clone(), lock);
    wait(700).await;
    assert_eq!(script.runs(), [0, 210, 420, 630]);
    handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn refresh_now_runs_at_once_and_restarts_the_interval() {
    let (_dir, lock) = lock();
    let script = Scripted::new(Vec::new());
    let handle = SyncHandle::spawn(script.clone(), lock);
    wait(10).await;
    assert!(handle.send(SyncCommand::RefreshNow).await);
    wait(65).await;
    assert_eq!(script.runs(), [0, 10, 70]);
    handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn refresh_now_during_a_cycle_runs_another_right_after_it() {
    let (_dir, lock) = lock();
    // Cycles take 20 s; the request arrives 5 s into the first.
    let script = Scripted::taking(Vec::new(), Duration::from_secs(20));
    let handle = SyncHandle::spawn(script.clone(), lock);
    wait(5).await;
    assert!(handle.send(SyncCommand::RefreshNow).await);
    wait(30).await;
    assert_eq!(script.runs(), [0, 20]);
    handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn pause_stops_refreshing_and_resume_refreshes_at_once() {
    let (_dir, lock) = lock();
    let script = Scripted::new(Vec::new());
    let handle = SyncHandle::spawn(script.clone(), lock);
    wait(1).await;
    handle.send(SyncCommand::Pause).await;
    wait(1000).await;
    assert_eq!(script.runs(), [0]);
    assert_eq!(handle.status().state, SyncState::Paused);
    handle.send(SyncCommand::Resume).await;
    wait(1).await;
    assert_eq!(script.runs(), [0, 1001]);
    handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn stop_cancels_a_hung_cycle_and_releases_the_folder() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lock = SyncLock::acquire(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let script = Scripted::taking(Vec::new(), Duration::from_secs(1_000_000));
    let handle = SyncHandle::spawn(script.clone(), lock);
    wait(5).await;
    assert_eq!(handle.status().state, SyncState::Syncing);
    let mut events = handle.subscribe();
    handle.stop().await;
    let mut last = None;
    while let Ok(event) = events.try_recv() {
        last = Some(event);
    }
    assert!(matches!(
        last,
        Some(SyncEvent::Status(SyncStatus {
            state: SyncState::Stopped,
            ..
        }))
    ));
    assert!(SyncLock::acquire(dir.path()).is_ok());
}

#[tokio::test(start_paused = true)]
async fn each_success_publishes_rates_updated_then_status() {
    let (_dir, lock) = lock();
    let script = Scripted::new(Vec::new());
    let handle = SyncHandle::spawn(script.clone(), lock);
    let mut events = handle.subscribe();
    wait(61).await;
    let mut kinds = Vec::new();
    while let Ok(event) = events.try_recv() {
        kinds.push(match event {
            SyncEvent::RatesUpdated(_) => "rates".to_owned(),
            SyncEvent::Status(s) => format!("{:?}", s.state),
        });
    }
    assert!(
        kinds.ends_with(&["Syncing".into(), "rates".into(), "Idle".into()]),
        "{kinds:?}"
    );
    handle.stop().await;
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    for failures in 1..20 {
        let wait = backoff(failures);
        let full = FIRST_BACKOFF
            .saturating_mul(2u32.saturating_pow(failures - 1))
            .min(MAX_BACKOFF);
        assert!(wait >= full / 2 && wait <= full, "{failures}: {wait:?}");
    }
}

/// Panics in its first cycle, then succeeds.
struct PanicsOnce {
    runs: std::sync::atomic::AtomicU32,
}

impl Cycle for PanicsOnce {
    async fn run(&self) -> Result<CycleReport, CycleFailure> {
        let run = self.runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert!(run > 0, "a bug in the first cycle");
        success(MINUTE)
    }

    fn now(&self) -> i64 {
        0
    }
}

#[tokio::test(start_paused = true)]
async fn a_panicking_cycle_is_a_failure_and_the_loop_goes_on() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lock = SyncLock::acquire(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let handle = SyncHandle::spawn(
        PanicsOnce {
            runs: std::sync::atomic::AtomicU32::new(0),
        },
        lock,
    );
    let mut events = handle.subscribe();
    let mut saw_failure = false;
    loop {
        match events.recv().await {
            Ok(SyncEvent::Status(status)) if status.state == SyncState::BackingOff => {
                assert_eq!(status.error_code, Some(ErrorCode::Internal));
                saw_failure = true;
            }
            Ok(SyncEvent::RatesUpdated(_)) => break,
            Ok(_) => {}
            Err(e) => panic!("the loop ended: {e}"),
        }
    }
    assert!(saw_failure, "the panic was reported as a failed cycle");
    assert!(!handle.has_ended());
    handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn subscribers_see_the_channel_close_when_the_loop_ends() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lock = SyncLock::acquire(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let handle = SyncHandle::spawn(Scripted::new(Vec::new()), lock);
    let mut events = handle.subscribe();
    let _ = handle.commands.send(SyncCommand::Stop).await;
    while let Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) = events.recv().await {}
    assert!(handle.has_ended());
}
