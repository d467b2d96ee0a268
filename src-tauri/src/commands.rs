//! IPC commands, one module per area. Each returns `Result<T, ErrorReport>` when it can fail, so
//! the UI receives `{ code, message }` and branches on the code, never on the text.

/// Declares commands that only call one method of a core handle kept in Tauri's state (the `App`,
/// or the `Refresher` for what starts and stops the loop) and pass on its answer or its error, one
/// line each: `fn name(app: App, arg: Type, …) -> Answer = call;`. The shell stays as thin as the
/// contract, and the attributes every command needs are written once, here.
macro_rules! core_commands {
    ($(
        $(#[$meta:meta])*
        fn $name:ident($handle:ident: $core:ty $(, $arg:ident: $ty:ty)*) -> $answer:ty = $call:expr;
    )*) => {$(
        $(#[$meta])*
        #[tauri::command]
        #[specta::specta]
        pub async fn $name(
            $handle: tauri::State<'_, std::sync::Arc<$core>>,
            $($arg: $ty),*
        ) -> Result<$answer, crypto_balance_core::ErrorReport> {
            Ok($call.await?)
        }
    )*};
}

pub mod alerts;
pub mod api;
pub mod app;
pub mod holdings;
pub mod profit;
pub mod rates;
pub mod transfer;
pub mod vault;
pub mod wallets;
