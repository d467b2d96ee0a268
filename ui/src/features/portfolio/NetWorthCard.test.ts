import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { BackfillProgress, BackfillReport, HistoryQuery } from "../../api";
import { valuation, valuedHolding } from "../../test-fixtures";
import NetWorthCard from "./NetWorthCard.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const FIRST = 1_648_166_400; // 2022-03-25, 00:00 UTC
const DAY = 86_400;

const portfolio = valuation([valuedHolding({ coin: "bitcoin", value: "68" })], {
  currency: "eur",
  accounts: [{ account: "Kraken", value: "68", share: "1" }],
});

const report: BackfillReport = {
  coins: 1,
  calls: 1,
  older_calls: 2,
  points: 730,
  gaps: [],
};

const withGap = [
  { day: FIRST, value: "66.71", invested: "70", missing: 0 },
  { day: FIRST + DAY, value: null, invested: "70", missing: 1 },
  { day: FIRST + 2 * DAY, value: "68", invested: "70", missing: 0 },
];

/** The mocked backend; `days()` answers `daily_history` (a gap by default). */
function backend(days = () => withGap) {
  const asked: { command: string; query?: HistoryQuery }[] = [];
  mockIPC(
    (command, args) => {
      asked.push({ command, query: (args as { query?: HistoryQuery }).query });
      if (command === "daily_history") return days();
      if (command === "net_worth_history")
        return [
          { at: FIRST, total: "60", missing_prices: 0 },
          { at: FIRST + 300, total: "61", missing_prices: 0 },
        ];
      if (command === "backfill") return report;
      throw `${command} not mocked`;
    },
    { shouldMockEvents: true },
  );
  return asked;
}

describe("NetWorthCard", () => {
  it("draws every day since the first entry, the money put in and shaded gaps", async () => {
    backend();
    render(NetWorthCard, { valuation: portfolio });
    const note = await screen.findByText(/From 2022-03-25/);
    expect(note.textContent).toContain("70.00 EUR");
    expect(note.textContent).toContain("1 day has no stored price");
    expect(document.querySelector("[data-history] svg")?.getAttribute("aria-label")).toBe(
      "Net worth per day since 2022-03-25: from 66.71 EUR to 68.00 EUR",
    );
    expect(document.querySelectorAll("[data-gap]")).toHaveLength(1);
    expect(document.querySelector("[data-secondary]")).not.toBeNull();
  });

  it("shows one coin or account per day, and a day of recorded snapshots", async () => {
    const asked = backend();
    render(NetWorthCard, { valuation: portfolio });
    await screen.findByText(/From 2022-03-25/);
    const part = screen.getByLabelText("Show") as HTMLSelectElement;
    await fireEvent.change(part, { target: { value: "account:Kraken" } });
    await fireEvent.change(part, { target: { value: "coin:bitcoin" } });
    await screen.findByText(/From 2022-03-25/);
    const queries = asked.filter((a) => a.command === "daily_history").map((a) => a.query);
    expect(queries).toEqual([
      { from: null, coin: null, account: null },
      { from: null, coin: null, account: "Kraken" },
      { from: null, coin: "bitcoin", account: null },
    ]);

    await fireEvent.change(part, { target: { value: "" } });
    await fireEvent.click(screen.getByRole("radio", { name: "1D" }));
    expect(await screen.findByText("Recorded at each price refresh.")).toBeTruthy();
    expect(asked.at(-1)?.command).toBe("net_worth_history");
    expect(document.querySelector("[data-secondary]")).toBeNull();
  });

  it("redraws the days the sync loop's backfill fills", async () => {
    let stored = withGap;
    backend(() => stored);
    render(NetWorthCard, { valuation: portfolio });
    await screen.findByText(/1 day has no stored price/);
    stored = withGap.map((day) => ({ ...day, value: day.value ?? "67", missing: 0 }));
    const step: BackfillProgress = {
      coin: "bitcoin",
      coin_label: "Bitcoin (BTC)",
      done: 0,
      coins: 1,
      days_left: 0,
      calls: 1,
      calls_per_minute: 5,
    };
    await emit("backfill-progress", step);
    await screen.findByText(
      (text) => text.startsWith("From 2022-03-25") && !/no stored/.test(text),
    );
    expect(document.querySelectorAll("[data-gap]")).toHaveLength(0);
  });

  it("fetches past prices and says which source served them", async () => {
    backend();
    render(NetWorthCard, { valuation: portfolio });
    await fireEvent.click(await screen.findByRole("button", { name: "Fetch past prices" }));
    const done = await screen.findByText(/daily prices stored/);
    expect(done.textContent).toContain("1 CoinGecko call, 2 DefiLlama calls for older days");
  });
});

describe("NetWorthCard on its first day", () => {
  it("draws the snapshots of each refresh while the history is one day long", async () => {
    mockIPC(
      (command) => {
        if (command === "daily_history")
          return [{ day: FIRST, value: "60", invested: "0", missing: 0 }];
        if (command === "net_worth_history")
          return [
            { at: FIRST, total: "60", missing_prices: 0 },
            { at: FIRST + 300, total: "61", missing_prices: 0 },
          ];
        throw `${command} not mocked`;
      },
      { shouldMockEvents: true },
    );
    render(NetWorthCard, { valuation: portfolio });
    expect(await screen.findByText("Recorded at each price refresh.")).toBeTruthy();
    expect(document.querySelector("[data-history] svg")?.getAttribute("aria-label")).toBe(
      "Net worth, All: from 60.00 EUR to 61.00 EUR",
    );
  });
});
