//! Start-up work the first screen does not need waits until it is drawn: on a 2-core machine the
//! tray icon (D-Bus calls, an icon file) and the first rates refresh (a TLS handshake, a write
//! transaction on the one database connection) would otherwise compete with the web view for the
//! CPU and with the portfolio's query for the database. The page reports drawn (`ui_ready`); a
//! page that never does releases the work after [`AT_THE_LATEST`].

use std::future::Future;
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::watch;

/// How long deferred work waits for the first screen at most.
pub const AT_THE_LATEST: Duration = Duration::from_secs(3);

/// Whether the first screen has been drawn (Tauri managed state).
#[derive(Debug)]
pub struct FirstScreen(watch::Sender<bool>);

impl Default for FirstScreen {
    fn default() -> Self {
        Self(watch::channel(false).0)
    }
}

impl FirstScreen {
    /// The first screen is drawn, or none will be (the app started in the tray): run what waits.
    pub fn drawn(&self) {
        self.0.send_replace(true);
    }

    /// Returns once the first screen is drawn, or after `at_most`.
    pub async fn wait(&self, at_most: Duration) {
        let mut drawn = self.0.subscribe();
        // An error means the sender is gone, which it cannot be while `self` lives.
        let _ = tokio::time::timeout(at_most, drawn.wait_for(|drawn| *drawn)).await;
    }
}

/// Runs `job` once the first screen is drawn (or after [`AT_THE_LATEST`]).
pub fn after<R, F, Fut>(handle: &AppHandle<R>, job: F)
where
    R: Runtime,
    F: FnOnce(AppHandle<R>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        handle.state::<FirstScreen>().wait(AT_THE_LATEST).await;
        job(handle).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_first_screen() {
        let first = std::sync::Arc::new(FirstScreen::default());
        let waiting = tokio::spawn({
            let first = first.clone();
            async move { first.wait(Duration::from_secs(60)).await }
        });
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert!(
            !waiting.is_finished(),
            "returned before the screen was drawn"
        );
        first.drawn();
        tokio::time::timeout(Duration::from_millis(1), waiting)
            .await
            .expect("returns once drawn")
            .expect("no panic");
        // Later waiters return at once.
        tokio::time::timeout(
            Duration::from_millis(1),
            first.wait(Duration::from_secs(60)),
        )
        .await
        .expect("returns at once when already drawn");
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_waiting_after_the_limit() {
        let first = FirstScreen::default();
        let started = tokio::time::Instant::now();
        first.wait(Duration::from_secs(3)).await;
        assert_eq!(started.elapsed(), Duration::from_secs(3));
    }
}
