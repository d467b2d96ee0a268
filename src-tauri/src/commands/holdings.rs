//! Commands for holdings and accounts. Core publishes `holdings-changed` and `accounts-changed`
//! for every change; the UI re-reads.

use crypto_balance_core::accounts::{Account, AccountKind};
use crypto_balance_core::holdings::{Holding, HoldingChange, NewHolding};
use crypto_balance_core::ids::BatchId;
use crypto_balance_core::ledger::LedgerEntry;
use crypto_balance_core::{Amount, App};

core_commands! {
    fn list_holdings(app: App) -> Vec<Holding> = app.holdings();
    fn add_holding(app: App, holding: NewHolding) -> HoldingChange = app.add_holding(holding);
    fn set_holding(
        app: App, coin: String, amount: Amount, account: Option<String>
    ) -> HoldingChange = app.set_holding(&coin, amount, account.as_deref());
    /// Removes a holding; the returned `batch_id` undoes it through [`undo_change`].
    fn remove_holding(app: App, coin: String, account: Option<String>) -> HoldingChange =
        app.remove_holding(&coin, account.as_deref());
    fn undo_change(app: App, batch_id: BatchId) -> () = app.undo(batch_id);
    /// A coin's newest ledger entries, newest first (at most `limit`, default 200).
    fn coin_entries(app: App, coin: String, limit: Option<u32>) -> Vec<LedgerEntry> =
        app.coin_entries(&coin, limit.unwrap_or(200).min(5_000));
    fn list_accounts(app: App) -> Vec<Account> = app.accounts();
    fn create_account(app: App, name: String, kind: AccountKind) -> Account =
        app.create_account(&name, kind);
    fn rename_account(app: App, old: String, new_name: String) -> Account =
        app.rename_account(&old, &new_name);
    fn delete_account(app: App, name: String) -> () = app.delete_account(&name);
}
