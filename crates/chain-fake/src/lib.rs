//! Local stand-ins for the servers watch-only wallets are scanned through, on 127.0.0.1 with an
//! OS-chosen port: [`FakeEsplora`] speaks Esplora's REST API and [`FakeSolana`] Solana's JSON-RPC.
//! Each can be told to fail the next requests (a status, or silence) and records every request,
//! so a test can compare what the app logged with what the server saw. Shares no code with core:
//! a mistake in the client cannot pass by being mirrored here.

mod esplora;
mod solana;

pub use esplora::{Failure, FakeEsplora};
pub use solana::FakeSolana;
