//! A running API with a life: started on an address, stopped, asked where it listens. The daemon
//! holds one for its lifetime; the desktop app starts and stops one from Settings.

use std::net::SocketAddr;
use std::sync::Arc;

use crypto_balance_core::sync::Refresher;
use crypto_balance_core::App;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Mutex};
use tokio::task::JoinHandle;

use axum::http::HeaderValue;

use crate::metrics::MetricsOptions;
use crate::ApiState;

/// What a served API offers beyond its endpoints.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    pub metrics: MetricsOptions,
    /// Web origins allowed to call from a browser (CORS); empty: none.
    pub cors_origins: Vec<HeaderValue>,
}

#[derive(Debug)]
struct Running {
    address: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

/// The API for one app, served or not.
#[derive(Debug)]
pub struct Server {
    app: Arc<App>,
    refresher: Arc<Refresher>,
    running: Mutex<Option<Running>>,
}

impl Server {
    pub fn new(app: Arc<App>, refresher: Arc<Refresher>) -> Self {
        Self {
            app,
            refresher,
            running: Mutex::new(None),
        }
    }

    /// Binds `address` and serves on it (stopping a server already running first).
    pub async fn start(
        &self,
        address: SocketAddr,
        options: ServeOptions,
    ) -> std::io::Result<SocketAddr> {
        let listener = TcpListener::bind(address).await?;
        self.serve(listener, options).await
    }

    /// Serves on a bound `listener` (stopping a server already running first).
    pub async fn serve(
        &self,
        listener: TcpListener,
        options: ServeOptions,
    ) -> std::io::Result<SocketAddr> {
        self.stop().await;
        let address = listener.local_addr()?;
        let state = ApiState::new(self.app.clone(), self.refresher.clone(), address)
            .with_metrics(options.metrics)
            .with_cors(options.cors_origins);
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(crate::serve(listener, state, async {
            let _ = stopped.await;
        }));
        *self.running.lock().await = Some(Running {
            address,
            stop,
            task,
        });
        Ok(address)
    }

    /// Where it listens, if it runs.
    pub async fn address(&self) -> Option<SocketAddr> {
        let running = self.running.lock().await;
        running
            .as_ref()
            .filter(|r| !r.task.is_finished())
            .map(|r| r.address)
    }

    /// Stops serving (requests in flight finish) and waits for it.
    pub async fn stop(&self) {
        let running = self.running.lock().await.take();
        if let Some(running) = running {
            let _ = running.stop.send(());
            if let Ok(Err(error)) = running.task.await {
                tracing::warn!("the API stopped with an error: {error}");
            }
        }
    }
}
