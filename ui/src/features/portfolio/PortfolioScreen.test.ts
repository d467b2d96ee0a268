import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { SyncStatus, Valuation, ValuedHolding } from "../../api";
import { valuation as valuationOf, valuedHolding } from "../../test-fixtures";
import PortfolioScreen from "./PortfolioScreen.svelte";

// Unmount first: the screen removes its event listeners, which needs the mocks still in place.
afterEach(() => {
  cleanup();
  clearMocks();
});

const now = Math.floor(Date.now() / 1000);

function holding(coin: string, price: string | null, value: string | null): ValuedHolding {
  return valuedHolding({
    coin,
    symbol: coin.slice(0, 3),
    name: coin === "01coin" ? "ZeroOne" : "Bitcoin",
    price,
    value,
    price_age_seconds: price === null ? null : 120,
  });
}

function valuation(total: string): Valuation {
  return valuationOf(
    [holding("bitcoin", "67187.3358936566", total), holding("01coin", null, null)],
    {
      total,
      change_24h: "-12.5",
      change_24h_percent: "-0.04",
      as_of: now - 120,
      missing_prices: ["01coin"],
    },
  );
}

const idle: SyncStatus = {
  state: "idle",
  last_success_at: now - 120,
  next_at: now + 180,
  interval_seconds: 300,
  message: null,
  error_code: null,
};

function backend(totals: string[]) {
  const calls: string[] = [];
  mockIPC(
    (command) => {
      calls.push(command);
      if (command === "portfolio_value") return valuation(totals.shift() ?? "0");
      if (command === "sync_status") return idle;
      if (command === "refresh_rates") return null;
      if (command === "net_worth_history") return [];
      if (command === "daily_history") return [];
      throw `${command} not mocked`;
    },
    { shouldMockEvents: true },
  );
  return calls;
}

describe("the portfolio screen", () => {
  it("shows the exact total, the 24h change, the prices' age and what has no price", async () => {
    backend(["33593.6679468283"]);
    render(PortfolioScreen);
    expect(await screen.findByText("33,593.67 USD")).toBeInTheDocument();
    expect(screen.getByText(/-12.50 USD \(-0.04%\) in 24 h/)).toBeInTheDocument();
    expect(screen.getByText("Prices from CoinGecko, 2 min ago")).toBeInTheDocument();
    expect(screen.getByText(/No USD price yet for ZeroOne \(01C\)/)).toBeInTheDocument();
  });

  it("refreshes on request and re-reads when new rates arrive", async () => {
    const calls = backend(["100", "250.5"]);
    render(PortfolioScreen);
    expect(await screen.findByText("100.00 USD")).toBeInTheDocument();
    await fireEvent.click(screen.getByRole("button", { name: "Refresh now" }));
    expect(calls).toContain("refresh_rates");
    await emit("rates-updated", {});
    expect(await screen.findByText("250.50 USD")).toBeInTheDocument();
  });

  it("says why prices are stale when the sync loop is backing off", async () => {
    backend(["100"]);
    render(PortfolioScreen);
    await screen.findByText("100.00 USD");
    await emit("sync-status", {
      ...idle,
      state: "backing_off",
      message: "CoinGecko's rate limit was reached; retrying in 53 s",
      error_code: "rate_limited",
    });
    const warning = await screen.findByRole("status");
    expect(warning).toHaveTextContent("rate limit was reached");
    expect(warning).toHaveTextContent("Showing the last known prices, from 2 min ago.");
  });
});
