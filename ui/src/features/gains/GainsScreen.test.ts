import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { CostSettings, GainsReport, ProfitLoss } from "../../api";
import GainsScreen from "./GainsScreen.svelte";
import { offeredYears } from "./years";

afterEach(() => {
  cleanup();
  clearMocks();
});

// 2024-12-05T06:33:40Z, and the BTC lot bought 2022-03-25 (the shared Coinbase sample).
const SOLD = 1_733_380_420;
const BOUGHT = 1_648_190_727;

function pl(method: CostSettings["method"]): ProfitLoss {
  return {
    method,
    scope: "per_account",
    currency: "eur",
    from: null,
    to: null,
    realized: "85.6651367915",
    unrealized: "-12.5",
    cost_remaining: "338.92698",
    incomplete: 1,
    coins: [
      {
        coin: "bitcoin",
        coin_label: "Bitcoin (BTC)",
        amount: "0",
        realized: "85.6651367915",
        unrealized: null,
        cost_remaining: "0",
        uncosted: "0",
      },
    ],
    accounts: [],
  };
}

const report: GainsReport = {
  method: "fifo",
  scope: "per_account",
  currency: "eur",
  year: null,
  rows: [
    {
      disposed_at: SOLD,
      acquired_at: BOUGHT,
      coin: "bitcoin",
      coin_label: "Bitcoin (BTC)",
      account: "Coinbase",
      amount: "0.00166779",
      proceeds: "155.6651367915",
      cost: "70",
      gain: "85.6651367915",
      held_days: 985,
    },
    {
      disposed_at: SOLD,
      acquired_at: null,
      coin: "bitcoin",
      coin_label: "Bitcoin (BTC)",
      account: "Coinbase",
      amount: "0.00196346",
      proceeds: "183.2618432085",
      cost: null,
      gain: null,
      held_days: null,
    },
  ],
  proceeds: "155.6651367915",
  cost: "70",
  gain: "85.6651367915",
  incomplete: 1,
  years: [2024],
};

function backend() {
  let settings: CostSettings = { method: "fifo", scope: "per_account" };
  const saved: CostSettings[] = [];
  mockIPC(
    (command, args) => {
      if (command === "profit_loss") return pl(settings.method);
      if (command === "gains_report") return report;
      if (command === "cost_settings") return settings;
      if (command === "set_cost_settings") {
        settings = (args as { settings: CostSettings }).settings;
        saved.push(settings);
        return null;
      }
      throw `${command} not mocked`;
    },
    { shouldMockEvents: true },
  );
  return saved;
}

describe("GainsScreen", () => {
  it("shows realized P/L with its method, the disposals and what is missing", async () => {
    backend();
    render(GainsScreen);
    const realized = await screen.findByLabelText("Realized profit or loss");
    expect(realized.textContent).toContain("+85.67");
    expect(screen.getByText(/FIFO, lots per account\. Not tax advice/)).toBeTruthy();
    expect(screen.getByRole("status").textContent).toContain("1 disposal has no known price");
    const table = document.querySelector("[data-gains]");
    expect(table?.textContent).toContain("2024-12-05");
    expect(table?.textContent).toContain("985 d");
    expect(table?.textContent).toContain("not recorded");
    expect(table?.querySelector(".gain")?.textContent).toBe("+85.67 EUR");
  });

  it("saves a new method and shows the figures it gives", async () => {
    const saved = backend();
    render(GainsScreen);
    const method = (await screen.findByLabelText("Method")) as HTMLSelectElement;
    await fireEvent.change(method, { target: { value: "hifo" } });
    await screen.findByText(/HIFO, lots per account/);
    expect(saved).toEqual([{ method: "hifo", scope: "per_account" }]);
  });

  it("offers every year with a disposal, and this year, newest first", () => {
    const now = Date.UTC(2026, 5, 1);
    expect(offeredYears([2024, 2022], now)).toEqual([2026, 2024, 2022]);
    expect(offeredYears([2026, 2024], now)).toEqual([2026, 2024]);
  });
});
