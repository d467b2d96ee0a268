//! Local stand-ins for the servers watch-only wallets are scanned through, on 127.0.0.1 with an
//! OS-chosen port: [`FakeEsplora`] speaks Esplora's REST API, [`FakeEvm`] an EVM chain's JSON-RPC
//! (with Multicall3) and [`FakeSolana`] Solana's JSON-RPC.
//! Each can be told to fail the next requests (a status, or silence) and records every request,
//! so a test can compare what the app logged with what the server saw. Shares no code with core:
//! a mistake in the client cannot pass by being mirrored here.

mod esplora;
mod evm;
mod solana;

pub use esplora::{Failure, FakeEsplora};
pub use evm::{FakeEvm, MULTICALL3};
pub use solana::FakeSolana;

/// Serves `app` on a free port of 127.0.0.1 until the returned sender is dropped.
async fn serve(
    app: axum::Router,
) -> std::io::Result<(std::net::SocketAddr, tokio::sync::oneshot::Sender<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok((addr, stop))
}

/// A fake's state, even after a panicking handler.
fn lock<T>(state: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}
