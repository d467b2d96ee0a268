// What the portfolio screen picks from the backend's numbers: the history range's start and the
// biggest movers. Comparisons only; the numbers themselves come from the backend.
import type { AssetSummary, Valuation } from "../../api";
import { compareDecimal, toneOf } from "../../lib/decimal";

export const historyRanges = ["1D", "1W", "1M", "1Y", "All"] as const;
export type HistoryRange = (typeof historyRanges)[number];

const rangeSeconds: Record<Exclude<HistoryRange, "All">, number> = {
  "1D": 86_400,
  "1W": 7 * 86_400,
  "1M": 30 * 86_400,
  "1Y": 365 * 86_400,
};

/** The Unix second a range starts at (0 for all of it). */
export function historySince(range: HistoryRange, nowMs: number): number {
  return range === "All" ? 0 : Math.floor(nowMs / 1000) - rangeSeconds[range];
}

/** The `count` assets whose price moved most in 24 hours, either way, biggest first. */
export function topMovers(assets: AssetSummary[], count: number): AssetSummary[] {
  const magnitude = (asset: AssetSummary) => (asset.change_24h ?? "0").replace(/^-/, "");
  return assets
    .filter((asset) => toneOf(asset.change_24h) !== "")
    .sort((a, b) => compareDecimal(magnitude(b), magnitude(a)))
    .slice(0, count);
}

/** The coins without a price, by name and symbol ("Pepe (PEPE)"), as people read them. */
export function missingNames(valuation: Valuation): string[] {
  return valuation.missing_prices.map((coin) => {
    const asset = valuation.assets.find((a) => a.coin === coin);
    return asset ? `${asset.name} (${asset.symbol.toUpperCase()})` : coin;
  });
}
