import { cleanup, render, screen, within } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { Valuation } from "../../api";
import HoldingsScreen from "./HoldingsScreen.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

function valuation(pepePrice: string): Valuation {
  const base = {
    account: "Kraken",
    change_24h: null,
    price_overridden: false,
    average_cost: null,
    cost_currency: null,
    unrealized_pnl: null,
  };
  return {
    currency: "usd",
    total: "0.00002607",
    change_24h: null,
    as_of: 0,
    holdings: [
      {
        ...base,
        coin: "pepe",
        symbol: "pepe",
        name: "Pepe",
        amount: "0.3",
        price: pepePrice,
        value: "0.00002607",
        price_age_seconds: 60,
      },
      {
        ...base,
        coin: "01coin",
        symbol: "zoc",
        name: "01coin",
        amount: "1234567",
        price: null,
        value: null,
        price_age_seconds: null,
      },
    ],
    missing_prices: ["01coin"],
  };
}

describe("the holdings screen", () => {
  it("shows each holding's exact price and value, and says when a price is missing", async () => {
    const prices = ["0.0000869", "0.0000901"];
    mockIPC(
      (command) => {
        if (command === "portfolio_value") return valuation(prices.shift() ?? "0");
        throw `${command} not mocked`;
      },
      { shouldMockEvents: true },
    );
    render(HoldingsScreen);
    const pepe = (await screen.findByText("Pepe")).closest("tr");
    if (!pepe) throw new Error("no row");
    expect(within(pepe).getByText("0.0000869")).toBeInTheDocument();
    expect(within(pepe).getByText("0.00002607 USD")).toBeInTheDocument();
    const dead = screen.getByText("01coin").closest("tr");
    if (!dead) throw new Error("no row");
    expect(within(dead).getByText("1,234,567")).toBeInTheDocument();
    expect(within(dead).getByText("no price")).toBeInTheDocument();

    await emit("rates-updated", {});
    expect(await screen.findByText("0.0000901")).toBeInTheDocument();
  });
});
