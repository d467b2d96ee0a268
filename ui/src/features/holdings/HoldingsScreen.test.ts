import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { Valuation } from "../../api";
import UndoToast from "../../lib/UndoToast.svelte";
import { localDate, localNoon } from "../../lib/time";
import { dismissUndo } from "../../lib/undo.svelte";
import { assetSummary, valuation, valuedHolding } from "../../test-fixtures";
import HoldingsScreen from "./HoldingsScreen.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
  dismissUndo();
});

function pepeAndDead(pepePrice: string): Valuation {
  return valuation(
    [
      valuedHolding({
        account: "Kraken",
        coin: "pepe",
        symbol: "pepe",
        name: "Pepe",
        amount: "0.3",
        price: pepePrice,
        value: "0.00002607",
        price_age_seconds: 60,
      }),
      valuedHolding({
        account: "Kraken",
        coin: "01coin",
        symbol: "zoc",
        name: "01coin",
        amount: "1234567",
      }),
    ],
    { missing_prices: ["01coin"] },
  );
}

type Handler = (command: string, args: Record<string, unknown>) => unknown;

function backend(valuations: () => Valuation, extra: Handler = () => undefined) {
  const calls: Array<[string, Record<string, unknown>]> = [];
  mockIPC(
    (command, args) => {
      const payload = (args ?? {}) as Record<string, unknown>;
      calls.push([command, payload]);
      if (command === "portfolio_value") return valuations();
      const answer = extra(command, payload);
      if (answer !== undefined) return answer;
      throw `${command} not mocked`;
    },
    { shouldMockEvents: true },
  );
  return calls;
}

function rowOf(text: string): HTMLElement {
  const row = screen.getByText(text).closest<HTMLElement>("[role=row]");
  if (!row) throw new Error(`no row holds ${text}`);
  return row;
}

/** A backend whose coin search finds Solana and which adds `amount` of it. */
function addingSolana(amount: string) {
  return backend(
    () => valuation([valuedHolding()]),
    (command) => {
      if (command === "list_accounts") return [];
      if (command === "search_coins") {
        return [{ id: "solana", symbol: "sol", name: "Solana", market_cap_rank: 6 }];
      }
      if (command === "add_holding") {
        return { batch_id: 7, account: "Manual", coin: "solana", amount };
      }
      return undefined;
    },
  );
}

describe("the holdings screen", () => {
  it("shows each coin's exact price and value, and says when a price is missing", async () => {
    const prices = ["0.0000869", "0.0000901"];
    backend(() => pepeAndDead(prices.shift() ?? "0"));
    render(HoldingsScreen);
    await screen.findByText("Pepe");
    expect(within(rowOf("Pepe")).getByText("0.0000869")).toBeInTheDocument();
    // Values are in the base currency, which the column's header names once.
    expect(within(rowOf("Pepe")).getByText("0.00002607")).toBeInTheDocument();
    expect(screen.getByRole("columnheader", { name: "Value USD" })).toBeInTheDocument();
    expect(within(rowOf("01coin")).getByText("1,234,567")).toBeInTheDocument();
    expect(within(rowOf("01coin")).getByText("no price")).toBeInTheDocument();

    await emit("rates-updated", {});
    expect(await screen.findByText("0.0000901")).toBeInTheDocument();
  });

  it("signs each coin's unrealized profit or loss", async () => {
    backend(() =>
      valuation([
        valuedHolding({ price: "60000", value: "30000", unrealized_pnl: "1500" }),
        valuedHolding({ coin: "pepe", name: "Pepe", value: "1", unrealized_pnl: "-20.5" }),
      ]),
    );
    render(HoldingsScreen);
    await screen.findByText("Pepe");
    expect(within(rowOf("Bitcoin")).getByText("+1,500.00")).toHaveClass("gain");
    expect(within(rowOf("Pepe")).getByText("-20.50")).toHaveClass("loss");
  });

  it("expands a coin into its accounts and searches by coin or account", async () => {
    const both = valuation(
      [
        valuedHolding({ account: "Kraken", amount: "0.25", value: "15000" }),
        valuedHolding({ account: "Ledger", amount: "0.5", value: "30000" }),
        valuedHolding({ coin: "ethereum", symbol: "eth", name: "Ethereum", account: "Kraken" }),
      ],
      {
        assets: [
          assetSummary({ amount: "0.75", value: "45000" }),
          assetSummary({ coin: "ethereum", symbol: "eth", name: "Ethereum" }),
        ],
      },
    );
    backend(() => both);
    render(HoldingsScreen);
    await fireEvent.click(await screen.findByRole("button", { name: "Show Bitcoin's accounts" }));
    expect(within(rowOf("Ledger")).getByText("0.5")).toBeInTheDocument();
    expect(screen.getByText("0.75")).toBeInTheDocument();

    await fireEvent.input(screen.getByLabelText("Search holdings"), { target: { value: "ledg" } });
    expect(screen.queryByText("Ethereum")).not.toBeInTheDocument();
    expect(screen.getByText("Bitcoin")).toBeInTheDocument();
  });

  it("draws only the rows in view of 10,000 holdings", async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      valuedHolding({ coin: `coin-${i}`, symbol: `c${i}`, name: `Coin ${i}`, amount: `${i + 1}` }),
    );
    backend(() => valuation(many));
    render(HoldingsScreen);
    await screen.findByText("Coin 0");
    const drawn = screen.getAllByRole("row").length;
    expect(drawn).toBeLessThan(60);
    expect(screen.getByRole("table")).toHaveAttribute("aria-rowcount", "10001");
  });

  it("checks a new holding as it is typed and adds it with the chosen coin", async () => {
    const calls = addingSolana("3");
    render(HoldingsScreen);
    render(UndoToast);
    await fireEvent.click(await screen.findByRole("button", { name: /Add holding/ }));
    const dialog = screen.getByRole("dialog");
    await fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    expect(within(dialog).getByText("Choose a coin from the list.")).toBeInTheDocument();
    expect(within(dialog).getByText(/Enter an amount/)).toBeInTheDocument();

    await fireEvent.input(within(dialog).getByLabelText("Coin"), { target: { value: "sol" } });
    const option = await within(dialog).findByRole("option", {}, { timeout: 2000 });
    await fireEvent.mouseDown(option);
    await fireEvent.input(within(dialog).getByLabelText("Amount"), { target: { value: "3" } });
    await fireEvent.input(within(dialog).getByLabelText(/Cost per coin/), {
      target: { value: "-5" },
    });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    expect(within(dialog).getByText(/Enter a price/)).toBeInTheDocument();
    await fireEvent.input(within(dialog).getByLabelText(/Cost per coin/), {
      target: { value: "150.25" },
    });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    await screen.findByText("Added 3 SOL to Manual");
    const added = calls.find(([command]) => command === "add_holding");
    expect(added?.[1]).toEqual({
      holding: { coin: "solana", amount: "3", price: "150.25", currency: "usd" },
    });
  });

  it("asks when a holding was bought and sends that day, refusing one in the future", async () => {
    const calls = addingSolana("2");
    render(HoldingsScreen);
    await fireEvent.click(await screen.findByRole("button", { name: /Add holding/ }));
    const dialog = screen.getByRole("dialog");
    const day = within(dialog).getByLabelText("Bought or received on");
    expect(day).toHaveValue(localDate());
    await fireEvent.input(within(dialog).getByLabelText("Coin"), { target: { value: "sol" } });
    await fireEvent.mouseDown(await within(dialog).findByRole("option", {}, { timeout: 2000 }));
    await fireEvent.input(within(dialog).getByLabelText("Amount"), { target: { value: "2" } });
    await fireEvent.input(day, { target: { value: "2999-01-01" } });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    expect(within(dialog).getByText("Choose a day up to today.")).toBeInTheDocument();
    await fireEvent.input(day, { target: { value: "2024-03-01" } });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    await waitFor(() => expect(calls.some(([command]) => command === "add_holding")).toBe(true));
    const added = calls.find(([command]) => command === "add_holding");
    expect(added?.[1]).toEqual({
      holding: { coin: "solana", amount: "2", price: null, occurred_at: localNoon("2024-03-01") },
    });
  });

  it("removes a holding at once and undoes it from the toast", async () => {
    const calls = backend(
      () => valuation([valuedHolding({ account: "Kraken" })]),
      (command) => {
        if (command === "remove_holding") {
          return { batch_id: 42, account: "Kraken", coin: "bitcoin", amount: "0" };
        }
        if (command === "undo_change") return null;
        return undefined;
      },
    );
    render(HoldingsScreen);
    render(UndoToast);
    await fireEvent.click(await screen.findByRole("button", { name: "Show Bitcoin's accounts" }));
    await fireEvent.click(screen.getByRole("button", { name: "Remove Bitcoin from Kraken" }));
    await screen.findByText("Removed Bitcoin from Kraken");
    await fireEvent.click(screen.getByRole("button", { name: "Undo" }));
    expect(calls).toContainEqual(["undo_change", { batchId: 42 }]);
  });
});

describe("an asset's detail", () => {
  it("shows its price chart and its ledger entries, newest first", async () => {
    backend(
      () => valuation([valuedHolding({ account: "Ledger", price: "60000", value: "30000" })]),
      (command, args) => {
        if (command === "price_history") {
          expect(args).toEqual({ coin: "bitcoin", currency: null, days: 30 });
          return [
            { at: 1_700_000_000, price: "58000.5" },
            { at: 1_700_086_400, price: "60000" },
          ];
        }
        if (command === "coin_entries") {
          return [
            {
              at: 1_700_000_000,
              account: "Ledger",
              kind: "buy",
              amount: "0.5",
              price: "40000.5",
              price_currency: "usd",
              note: "first coins",
            },
          ];
        }
        return undefined;
      },
    );
    render(HoldingsScreen);
    await fireEvent.click(await screen.findByRole("button", { name: "Bitcoin" }));
    const dialog = screen.getByRole("dialog", { name: "Bitcoin (BTC)" });
    expect(
      await within(dialog).findByRole("img", { name: /from 58,000.50 USD to 60,000.00 USD/ }),
    ).toBeInTheDocument();
    const entry = (await within(dialog).findByText("first coins")).closest("tr");
    if (!entry) throw new Error("no entry row");
    expect(within(entry).getByText("40,000.50 USD")).toBeInTheDocument();
    expect(within(entry).getByText("buy")).toBeInTheDocument();
  });
});
