// Rates and the portfolio's value (src-tauri/src/commands/rates.rs). Money arrives as exact
// decimal strings; the UI formats them and never computes with them.
import {
  commands,
  type CycleReport,
  type Listing,
  type NetWorthPoint,
  type Plan,
  type PricePoint,
  type RatesSettings,
  type RatesSettingsChange,
  type SyncStatus,
  type Valuation,
  type ValuedHolding,
} from "./bindings/contract";
import { unwrap } from "./ipc";

export type {
  CycleReport,
  Listing,
  NetWorthPoint,
  Plan,
  PricePoint,
  RatesSettings,
  RatesSettingsChange,
  SyncStatus,
  Valuation,
  ValuedHolding,
};

/** The portfolio valued from last known prices: instant, no network. */
export function portfolioValue(currency?: string): Promise<Valuation> {
  return unwrap(commands.portfolioValue(currency ?? null, null));
}

const askSummary = () => unwrap(commands.portfolioValue(null, true));
let early: Promise<Valuation> | null = null;

/**
 * Asks for the portfolio summary as the page starts, alongside the vault check, so the first
 * screen does not wait for two round trips in a row. The first `portfolioSummary()` takes it.
 */
export function prefetchPortfolioSummary(): void {
  early = askSummary();
  early.catch(() => {
    // Locked or not created yet: the screen asks again when it opens.
  });
}

/**
 * Whether the prefetched summary arrived, once it has (without taking it). Arrived means the
 * vault is open, so the vault gate opens at once on the portfolio with its figures: no second
 * round trip, and no placeholder painted and laid out again a moment later.
 */
export function prefetchedSummaryArrived(): Promise<boolean> {
  return early
    ? early.then(
        () => true,
        () => false,
      )
    : Promise.resolve(false);
}

/** The same without the per-account holdings (`holdings` is empty): totals, coins, accounts. */
export function portfolioSummary(): Promise<Valuation> {
  const prefetched = early;
  early = null;
  return prefetched ? prefetched.catch(askSummary) : askSummary();
}

export function syncStatus(): Promise<SyncStatus> {
  return unwrap(commands.syncStatus());
}

/** Asks the background loop for a refresh now. */
export async function refreshRates(): Promise<void> {
  await unwrap(commands.refreshRates());
}

export function ratesSettings(): Promise<RatesSettings> {
  return unwrap(commands.ratesSettings());
}

export function updateRatesSettings(change: RatesSettingsChange): Promise<RatesSettings> {
  return unwrap(commands.updateRatesSettings(change));
}

/** Coins matching a name, symbol or id, best ranked first. */
export function searchCoins(query: string): Promise<Listing[]> {
  return unwrap(commands.searchCoins(query));
}

/** A coin's price over the last `days` (CoinGecko's market_chart, cached). */
export function priceHistory(coin: string, days: number): Promise<PricePoint[]> {
  return unwrap(commands.priceHistory(coin, null, days));
}

/** The portfolio's recorded totals since `since` (Unix seconds; 0 for all). */
export function netWorthHistory(since: number): Promise<NetWorthPoint[]> {
  return unwrap(commands.netWorthHistory(since));
}
