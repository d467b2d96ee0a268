// Rates and the portfolio's value (src-tauri/src/commands/rates.rs). Money arrives as exact
// decimal strings; the UI formats them and never computes with them.
import type { CycleReport } from "./bindings/CycleReport";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { Valuation } from "./bindings/Valuation";
import type { ValuedHolding } from "./bindings/ValuedHolding";
import { call } from "./ipc";

export type { CycleReport, SyncStatus, Valuation, ValuedHolding };

/** The portfolio valued from last known prices: instant, no network. */
export function portfolioValue(currency?: string): Promise<Valuation> {
  return call<Valuation>("portfolio_value", { currency: currency ?? null });
}

export function syncStatus(): Promise<SyncStatus> {
  return call<SyncStatus>("sync_status");
}

/** Asks the background loop for a refresh now. */
export async function refreshRates(): Promise<void> {
  await call<unknown>("refresh_rates");
}
