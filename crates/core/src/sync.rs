//! The background sync loop (design.md section 5): `tokio::select!` over the next tick and a
//! command channel (refresh now, pause, resume, stop). The next tick is set from when a cycle ends,
//! so ticks missed while the machine slept are skipped, never replayed in a burst. Failures back
//! off exponentially with jitter, a 429 waits out its `Retry-After`, and plan or key mistakes wait
//! for the user at the normal pace. One loop runs per data folder, guarded by a lock file.

mod refresher;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use crate::events::{CycleReport, SyncState, SyncStatus};
pub use crate::locks::{SyncError, SyncLock};
pub use refresher::Refresher;

use crate::clock::UnixTime;
use crate::error::ErrorCode;
use crate::rates::RetryPolicy;
use crate::{App, Error};

/// The first retry after a passing failure waits about this long, doubling up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(30);
pub const MAX_BACKOFF: Duration = Duration::from_secs(30 * 60);

/// What the shell can ask of the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncCommand {
    RefreshNow,
    Pause,
    Resume,
    Stop,
}

impl SyncStatus {
    pub(crate) fn starting() -> Self {
        Self {
            state: SyncState::Starting,
            last_success_at: None,
            next_at: None,
            interval_seconds: 0,
            message: None,
            error_code: None,
        }
    }
}

/// A failed cycle, with what the loop should do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleFailure {
    pub message: String,
    pub code: ErrorCode,
    pub retry: RetryPolicy,
    /// The normal interval, used when the failure waits for the user.
    pub interval: Duration,
}

/// What the loop publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    RatesUpdated(CycleReport),
    Status(SyncStatus),
}

/// One refresh cycle: fetch, store, evaluate, snapshot. Abstract so the loop's timing can be
/// tested under paused time without a network.
pub trait Cycle: Send + Sync + 'static {
    fn run(&self) -> impl Future<Output = Result<CycleReport, CycleFailure>> + Send;
    /// Unix seconds now (for `next_at`).
    fn now(&self) -> i64;
}

/// The running loop. Dropping it leaves the loop running; call [`SyncHandle::stop`].
///
/// Only the loop holds the events' sender, so subscribers see the channel close when the loop
/// ends for any reason: the daemon exits then (and its service manager restarts it), the
/// desktop says prices are not updating.
#[derive(Debug)]
pub struct SyncHandle {
    commands: mpsc::Sender<SyncCommand>,
    events: broadcast::Receiver<SyncEvent>,
    status: watch::Receiver<SyncStatus>,
    task: JoinHandle<()>,
}

impl SyncHandle {
    /// Starts the loop on the current tokio runtime; it holds `lock` until it stops.
    pub fn spawn<C: Cycle>(cycle: C, lock: SyncLock) -> Self {
        Self::spawn_reporting(cycle, lock, |_| {})
    }

    /// [`SyncHandle::spawn`], also handing every new status to `on_status` (the app's event
    /// channel: `|status| app.publish(Event::SyncStatus(status))`).
    pub fn spawn_reporting<C: Cycle>(
        cycle: C,
        lock: SyncLock,
        on_status: impl Fn(SyncStatus) + Send + Sync + 'static,
    ) -> Self {
        let (commands, receiver) = mpsc::channel(16);
        let (sender, events) = broadcast::channel(64);
        let (status_tx, status) = watch::channel(SyncStatus::starting());
        let publisher = Publisher {
            events: sender,
            status: status_tx,
            on_status: Box::new(on_status),
        };
        let task = tokio::spawn(async move {
            run_loop(cycle, receiver, publisher).await;
            drop(lock);
        });
        Self {
            commands,
            events,
            status,
            task,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<SyncEvent> {
        self.events.resubscribe()
    }

    /// Whether the loop has ended (stopped, or ended by a fault).
    pub fn has_ended(&self) -> bool {
        self.task.is_finished()
    }

    pub fn status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    /// Where commands go, for a task that sends them itself.
    pub fn commands(&self) -> mpsc::Sender<SyncCommand> {
        self.commands.clone()
    }

    /// Sends a command; `false` when the loop has already stopped.
    pub async fn send(&self, command: SyncCommand) -> bool {
        self.commands.send(command).await.is_ok()
    }

    /// Stops the loop and waits for it: a cycle in flight is cancelled, and its open
    /// transaction, if any, rolls back.
    pub async fn stop(self) {
        let _ = self.commands.send(SyncCommand::Stop).await;
        if let Err(e) = self.task.await {
            tracing::warn!(error = %e, "sync loop ended abnormally");
        }
    }
}

struct Publisher {
    events: broadcast::Sender<SyncEvent>,
    status: watch::Sender<SyncStatus>,
    on_status: Box<dyn Fn(SyncStatus) + Send + Sync>,
}

impl Publisher {
    fn status(&self, status: SyncStatus) {
        self.status.send_replace(status.clone());
        (self.on_status)(status.clone());
        // No subscriber is fine: the UI may not be listening.
        let _ = self.events.send(SyncEvent::Status(status));
    }

    fn updated(&self, report: CycleReport) {
        let _ = self.events.send(SyncEvent::RatesUpdated(report));
    }

    fn current(&self) -> SyncStatus {
        self.status.borrow().clone()
    }
}

/// How long to wait after the `failures`-th passing failure in a row: exponential, capped, with
/// "equal jitter" (between half and all of it) so many clients do not retry in step.
pub fn backoff(failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    let full = FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(MAX_BACKOFF);
    let per_mille: u32 = rand::thread_rng().gen_range(500..=1000);
    full * per_mille / 1000
}

fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// A cycle that panicked (a bug, never input) becomes a failure the loop backs off from.
fn panicked(error: &tokio::task::JoinError, interval: Duration) -> CycleFailure {
    let detail = if error.is_panic() {
        "an internal error stopped this refresh"
    } else {
        "this refresh was cancelled"
    };
    CycleFailure {
        message: format!("{detail}; retrying later (the log has the details)"),
        code: ErrorCode::Internal,
        retry: RetryPolicy::Backoff,
        interval,
    }
}

async fn run_loop<C: Cycle>(
    cycle: C,
    mut commands: mpsc::Receiver<SyncCommand>,
    publisher: Publisher,
) {
    // Each cycle runs as its own task so that a panic in it is a failed cycle, not a dead loop.
    let cycle = Arc::new(cycle);
    let mut next = Instant::now();
    let mut paused = false;
    let mut failures: u32 = 0;
    loop {
        let run_now = tokio::select! {
            biased;
            command = commands.recv() => match command {
                Some(SyncCommand::RefreshNow) => true,
                Some(SyncCommand::Pause) => {
                    paused = true;
                    publisher.status(SyncStatus { state: SyncState::Paused, next_at: None, ..publisher.current() });
                    false
                }
                Some(SyncCommand::Resume) => {
                    if paused {
                        paused = false;
                        next = Instant::now();
                    }
                    false
                }
                Some(SyncCommand::Stop) | None => break,
            },
            () = tokio::time::sleep_until(next), if !paused => true,
        };
        if !run_now {
            continue;
        }
        publisher.status(SyncStatus {
            state: SyncState::Syncing,
            ..publisher.current()
        });
        // Commands that arrive mid-cycle: Stop cancels it, Pause applies after it, and Refresh now
        // runs another cycle straight after (this one may have started before the change the
        // user wants priced).
        let mut refresh_again = false;
        let outcome = {
            let running = cycle.clone();
            let mut run = tokio::spawn(async move { running.run().await });
            loop {
                tokio::select! {
                    result = &mut run => break Some(result),
                    command = commands.recv() => match command {
                        Some(SyncCommand::Stop) | None => {
                            // Dropping the cycle's future rolls back its open transaction;
                            // waiting here means stop() returns only once that is done.
                            run.abort();
                            let _ = run.await;
                            break None;
                        }
                        Some(SyncCommand::Pause) => paused = true,
                        Some(SyncCommand::Resume) => paused = false,
                        Some(SyncCommand::RefreshNow) => refresh_again = true,
                    },
                }
            }
        };
        let Some(joined) = outcome else {
            break;
        };
        let result = joined.unwrap_or_else(|error| {
            tracing::error!(%error, "a sync cycle panicked");
            let interval = Duration::from_secs(publisher.current().interval_seconds.max(60));
            Err(panicked(&error, interval))
        });
        let now = cycle.now();
        let previous = publisher.current();
        let (wait, status) = match result {
            Ok(report) => {
                failures = 0;
                let wait = report.next_interval;
                let status = SyncStatus {
                    state: SyncState::Idle,
                    last_success_at: Some(report.at),
                    next_at: Some(UnixTime::from_seconds(now + seconds(wait))),
                    interval_seconds: wait.as_secs(),
                    message: None,
                    error_code: None,
                };
                publisher.updated(report);
                (wait, status)
            }
            Err(failure) => {
                let (wait, state) = match failure.retry {
                    RetryPolicy::After(wait) => {
                        failures += 1;
                        (wait.max(Duration::from_secs(1)), SyncState::BackingOff)
                    }
                    RetryPolicy::Backoff => {
                        failures += 1;
                        (backoff(failures), SyncState::BackingOff)
                    }
                    RetryPolicy::NeedsUser => (failure.interval, SyncState::NeedsAttention),
                };
                tracing::warn!(message = %failure.message, retry_in = wait.as_secs(), "sync cycle failed");
                let status = SyncStatus {
                    state,
                    last_success_at: previous.last_success_at,
                    next_at: Some(UnixTime::from_seconds(now + seconds(wait))),
                    interval_seconds: failure.interval.as_secs(),
                    message: Some(failure.message),
                    error_code: Some(failure.code),
                };
                (wait, status)
            }
        };
        // Waits are capped where they are read; an unrepresentable instant still never panics.
        next = Instant::now()
            .checked_add(wait)
            .unwrap_or_else(|| Instant::now() + MAX_BACKOFF);
        if refresh_again && !paused {
            next = Instant::now();
        }
        if paused {
            publisher.status(SyncStatus {
                state: SyncState::Paused,
                next_at: None,
                ..status
            });
        } else {
            publisher.status(status);
        }
    }
    publisher.status(SyncStatus {
        state: SyncState::Stopped,
        next_at: None,
        ..publisher.current()
    });
}

/// The real cycle over an [`App`]: refresh rates, snapshot the portfolio, plan the next tick.
#[derive(Debug, Clone)]
pub struct AppCycle {
    app: Arc<App>,
}

impl AppCycle {
    pub fn new(app: Arc<App>) -> Self {
        Self { app }
    }
}

impl Cycle for AppCycle {
    async fn run(&self) -> Result<CycleReport, CycleFailure> {
        run_app_cycle(&self.app).await
    }

    fn now(&self) -> i64 {
        self.app.now()
    }
}

/// Runs [`App::sync_cycle`] and turns a failure into what the loop needs: a message, a code and
/// a retry policy. Shells whose `App` lives elsewhere (Tauri's state) call this from their cycle.
pub async fn run_app_cycle(app: &App) -> Result<CycleReport, CycleFailure> {
    match app.sync_cycle().await {
        Ok(report) => {
            backfill_some(app).await;
            Ok(report)
        }
        Err(error) => {
            let retry = match &error {
                Error::Rates(e) => e.retry_policy(),
                Error::Locked => RetryPolicy::NeedsUser,
                _ => RetryPolicy::Backoff,
            };
            Err(CycleFailure {
                message: error.to_string(),
                code: error.code(),
                retry,
                interval: app.planned_interval(1).await,
            })
        }
    }
}

/// Past daily prices, a few calls per cycle ([`App::backfill_step`]). A failure waits for the
/// next cycle; it never fails this one.
async fn backfill_some(app: &App) {
    match app.backfill_step().await {
        Ok((0, 0)) => {}
        Ok((calls, older_calls)) => {
            tracing::info!(calls, older_calls, "past prices backfilled");
        }
        Err(error) => tracing::info!(%error, "backfill waits for the next cycle"),
    }
}

#[cfg(test)]
mod tests;
