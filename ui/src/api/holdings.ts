// Holdings (src-tauri/src/commands/holdings.rs). Amounts are exact decimal strings.
import type { Holding } from "./bindings/Holding";
import { call } from "./ipc";

export type { Holding };

export function listHoldings(): Promise<Holding[]> {
  return call<Holding[]>("list_holdings");
}
