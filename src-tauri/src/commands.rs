//! IPC commands, one module per area. Each returns `Result<T, ErrorReport>` when it can fail, so
//! the UI receives `{ code, message }` and branches on the code, never on the text.

pub mod alerts;
pub mod api;
pub mod app;
pub mod holdings;
pub mod profit;
pub mod rates;
pub mod transfer;
pub mod vault;
pub mod wallets;
