// Profit and loss by the cost-basis method (src-tauri/src/commands/profit.rs): realized over a
// year or all time, unrealized now, a coin's open lots, the gains report and its CSV, and the
// method setting. Figures arrive as exact decimal strings.
import {
  commands,
  type BackfillGap,
  type BackfillProgress,
  type BackfillReport,
  type DayValue,
  type CoinLots,
  type CoinProfit,
  type CostSettings,
  type GainRow,
  type GainsReport,
  type HistoryQuery,
  type Method,
  type OpenLot,
  type ProfitLoss,
  type Scope,
} from "./bindings/contract";
import { unwrap } from "./ipc";

export type {
  BackfillGap,
  BackfillProgress,
  BackfillReport,
  DayValue,
  CoinLots,
  CoinProfit,
  CostSettings,
  GainRow,
  GainsReport,
  HistoryQuery,
  Method,
  OpenLot,
  ProfitLoss,
  Scope,
};

/** Realized P/L over `year` (all time when null) and unrealized P/L now, by the saved method. */
export function profitLoss(year: number | null = null): Promise<ProfitLoss> {
  return unwrap(commands.profitLoss({ year }));
}

export function coinLots(coin: string): Promise<CoinLots> {
  return unwrap(commands.coinLots(coin));
}

export function gainsReport(year: number | null): Promise<GainsReport> {
  return unwrap(commands.gainsReport({ year }));
}

/** Writes the year's disposals as CSV to `path`; answers the rows written. */
export function exportGains(year: number | null, path: string): Promise<number> {
  return unwrap(commands.exportGains({ year }, path));
}

export function costSettings(): Promise<CostSettings> {
  return unwrap(commands.costSettings());
}

export async function setCostSettings(settings: CostSettings): Promise<void> {
  await unwrap(commands.setCostSettings(settings));
}

/** Net worth per day from the first entry; a day without a price has `value: null`. */
export function dailyHistory(query: HistoryQuery = {}): Promise<DayValue[]> {
  return unwrap(commands.dailyHistory(query));
}

/** Fetches missing daily prices (`backfill-progress` events follow each call). */
export function backfill(): Promise<BackfillReport> {
  return unwrap(commands.backfill());
}

export const methodLabels: Record<Method, string> = {
  fifo: "FIFO",
  lifo: "LIFO",
  hifo: "HIFO",
  average: "Average cost",
};

export const scopeLabels: Record<Scope, string> = {
  per_account: "Lots per account",
  pooled: "Lots pooled across accounts",
};

/** "FIFO, lots per account": said next to every figure a method produced. */
export function methodText(method: Method, scope: Scope): string {
  return `${methodLabels[method]}, ${scopeLabels[scope].toLowerCase()}`;
}
