// Builders for the backend's shapes in component tests: every field filled, overrides on top.
import type { AssetSummary, Valuation, ValuedHolding } from "./api";

/** Half a bitcoin, not yet priced: what a holding and an asset line have in common. */
const halfBitcoin = {
  coin: "bitcoin",
  symbol: "btc",
  name: "Bitcoin",
  amount: "0.5",
  price: null,
  value: null,
  change_24h: null,
  unrealized_pnl: null,
};

export function valuedHolding(overrides: Partial<ValuedHolding> = {}): ValuedHolding {
  return {
    ...halfBitcoin,
    account: "Manual",
    price_age_seconds: null,
    price_overridden: false,
    average_cost: null,
    cost_currency: null,
    ...overrides,
  };
}

export function assetSummary(overrides: Partial<AssetSummary> = {}): AssetSummary {
  return {
    ...halfBitcoin,
    share: null,
    ...overrides,
  };
}

/** A valuation of `holdings`, with one asset line per holding unless `assets` are given. */
export function valuation(
  holdings: ValuedHolding[],
  overrides: Partial<Valuation> = {},
): Valuation {
  return {
    currency: "usd",
    total: "0",
    change_24h: null,
    change_24h_percent: null,
    as_of: null,
    unrealized_pnl: null,
    cost_basis: null,
    holdings,
    assets: holdings.map((h) =>
      assetSummary({
        coin: h.coin,
        symbol: h.symbol,
        name: h.name,
        amount: h.amount,
        price: h.price,
        value: h.value,
        change_24h: h.change_24h,
        unrealized_pnl: h.unrealized_pnl,
      }),
    ),
    accounts: [],
    missing_prices: [],
    ...overrides,
  };
}
