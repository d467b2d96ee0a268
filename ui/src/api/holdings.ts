// Holdings and accounts (src-tauri/src/commands/holdings.rs). Amounts are exact decimal strings;
// every change returns the batch that undoes it.
import type { Account } from "./bindings/Account";
import type { Holding } from "./bindings/Holding";
import type { HoldingChange } from "./bindings/HoldingChange";
import type { LedgerEntry } from "./bindings/LedgerEntry";
import type { NewHolding } from "./bindings/NewHolding";
import { call } from "./ipc";

export type { Account, Holding, HoldingChange, LedgerEntry, NewHolding };

export function listHoldings(): Promise<Holding[]> {
  return call<Holding[]>("list_holdings");
}

/** Adds `amount` of a coin (with an optional cost per unit) to an account. */
export function addHolding(holding: NewHolding): Promise<HoldingChange> {
  return call<HoldingChange>("add_holding", { holding });
}

/** Sets a holding to exactly `amount` (the difference is written as an adjustment). */
export function setHolding(coin: string, amount: string, account: string): Promise<HoldingChange> {
  return call<HoldingChange>("set_holding", { coin, amount, account });
}

export function removeHolding(coin: string, account: string): Promise<HoldingChange> {
  return call<HoldingChange>("remove_holding", { coin, account });
}

/** Reverts one change (an edit, a removal, an import) by its batch id. */
export async function undoChange(batchId: number): Promise<void> {
  await call<null>("undo_change", { batchId });
}

export function listAccounts(): Promise<Account[]> {
  return call<Account[]>("list_accounts");
}

/** A coin's newest ledger entries, newest first. */
export function coinEntries(coin: string, limit = 200): Promise<LedgerEntry[]> {
  return call<LedgerEntry[]>("coin_entries", { coin, limit });
}
