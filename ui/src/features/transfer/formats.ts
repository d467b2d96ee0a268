// The import formats as people know them, and the wizard's answers for unknown symbols.
import type { ImportFormat } from "../../api";

export const formatLabels: Record<ImportFormat, string> = {
  native: "Crypto Balance CSV",
  coinbase: "Coinbase transaction history",
  "kraken-ledgers": "Kraken ledgers",
  "kraken-trades": "Kraken trades",
  binance: "Binance transaction history",
  "binance-trades": "Binance spot trade history",
  cointracking: "CoinTracking",
  koinly: "Koinly",
  delta: "Delta",
  coinstats: "CoinStats",
  generic: "Other CSV (named columns)",
};

/** The formats the wizard offers to force; the generic one needs column choices (CLI). */
export const choosableFormats = (Object.keys(formatLabels) as ImportFormat[]).filter(
  (format) => format !== "generic",
);

/** The UTC offsets offered for files whose times carry no zone, as seconds east of UTC. */
export const utcOffsets: Array<{ label: string; seconds: number | null }> = [
  { label: "As the file or its name says (else UTC)", seconds: null },
  ...[-8, -5, 0, 1, 2, 3, 5.5, 8, 9].map((hours) => ({
    label: `UTC${hours === 0 ? "" : hours > 0 ? `+${hours}` : `${hours}`}`.replace(".5", ":30"),
    seconds: hours * 3600,
  })),
];

/** "12.4 MB of 80 MB" style progress text. */
export function describeBytes(done: number, total: number): string {
  const mb = (bytes: number) => (bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 1 : 0);
  return `${mb(done)} of ${mb(total)} MB`;
}
