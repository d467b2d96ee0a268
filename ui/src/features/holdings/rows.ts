// The holdings table's rows: one per coin (the backend's per-asset sums), followed by its
// accounts when expanded. Filtering and sorting compare the exact decimal strings; nothing here
// adds or multiplies money.
import type { AssetSummary, ValuedHolding } from "../../api";
import { compareDecimal } from "../../lib/decimal";

export type SortKey = "value" | "name" | "amount" | "change" | "pnl";

export const sortLabels: Record<SortKey, string> = {
  value: "Value",
  name: "Name",
  amount: "Amount",
  change: "24h change",
  pnl: "Profit/loss",
};

export type Row =
  | { kind: "asset"; key: string; asset: AssetSummary; accounts: number; expanded: boolean }
  | { kind: "account"; key: string; holding: ValuedHolding };

/** Whether an asset matches a search: its name, symbol, id or one of its accounts. */
export function matches(asset: AssetSummary, accounts: ValuedHolding[], query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const texts = [asset.name, asset.symbol, asset.coin, ...accounts.map((h) => h.account)];
  return texts.some((text) => text.toLowerCase().includes(q));
}

/** Missing numbers sort last whichever the direction. */
function compareOptional(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return compareDecimal(a, b);
}

function sortValue(asset: AssetSummary, key: SortKey): string | null {
  switch (key) {
    case "amount":
      return asset.amount;
    case "change":
      return asset.change_24h;
    case "pnl":
      return asset.unrealized_pnl;
    default:
      return asset.value;
  }
}

export function sortAssets(assets: AssetSummary[], key: SortKey, descending: boolean) {
  const direction = descending ? -1 : 1;
  return [...assets].sort((a, b) => {
    if (key === "name") return a.name.localeCompare(b.name) * direction;
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === null || y === null) return compareOptional(x, y);
    return compareDecimal(x, y) * direction || a.name.localeCompare(b.name);
  });
}

/** The flat list the virtual table draws. */
export function buildRows(
  assets: AssetSummary[],
  holdings: ValuedHolding[],
  options: { query: string; sort: SortKey; descending: boolean; expanded: Set<string> },
): Row[] {
  const byCoin = new Map<string, ValuedHolding[]>();
  for (const holding of holdings) {
    const list = byCoin.get(holding.coin);
    if (list) list.push(holding);
    else byCoin.set(holding.coin, [holding]);
  }
  const rows: Row[] = [];
  for (const asset of sortAssets(assets, options.sort, options.descending)) {
    const accounts = byCoin.get(asset.coin) ?? [];
    if (!matches(asset, accounts, options.query)) continue;
    const expanded = options.expanded.has(asset.coin);
    rows.push({ kind: "asset", key: asset.coin, asset, accounts: accounts.length, expanded });
    if (expanded) {
      for (const holding of accounts) {
        rows.push({ kind: "account", key: `${asset.coin}\u0000${holding.account}`, holding });
      }
    }
  }
  return rows;
}

/** The rows to draw for a scroll position: the visible ones plus a margin each side. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): { start: number; end: number } {
  const first = Math.floor(scrollTop / rowHeight);
  const count = Math.ceil(viewportHeight / rowHeight);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(total, first + count + overscan),
  };
}
