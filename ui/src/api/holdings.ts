// Holdings and accounts (src-tauri/src/commands/holdings.rs). Amounts are exact decimal strings;
// every change returns the batch that undoes it.
import {
  commands,
  type Account,
  type Holding,
  type HoldingChange,
  type LedgerEntry,
  type NewHolding,
} from "./bindings/contract";
import { unwrap } from "./ipc";

export type { Account, Holding, HoldingChange, LedgerEntry, NewHolding };

export function listHoldings(): Promise<Holding[]> {
  return unwrap(commands.listHoldings());
}

/** Adds `amount` of a coin (with an optional cost per unit) to an account. */
export function addHolding(holding: NewHolding): Promise<HoldingChange> {
  return unwrap(commands.addHolding(holding));
}

/** Sets a holding to exactly `amount` (the difference is written as an adjustment). */
export function setHolding(coin: string, amount: string, account: string): Promise<HoldingChange> {
  return unwrap(commands.setHolding(coin, amount, account));
}

export function removeHolding(coin: string, account: string): Promise<HoldingChange> {
  return unwrap(commands.removeHolding(coin, account));
}

/** Reverts one change (an edit, a removal, an import) by its batch id. */
export async function undoChange(batchId: number): Promise<void> {
  await unwrap(commands.undoChange(batchId));
}

export function listAccounts(): Promise<Account[]> {
  return unwrap(commands.listAccounts());
}

/** A coin's newest ledger entries, newest first. */
export function coinEntries(coin: string, limit = 200): Promise<LedgerEntry[]> {
  return unwrap(commands.coinEntries(coin, limit));
}
