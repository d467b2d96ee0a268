import { cleanup, fireEvent, render, screen, within } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent, AlertRule } from "../../api";
import AlertsScreen from "./AlertsScreen.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const rule: AlertRule = {
  id: 1,
  kind: "price_above",
  coin: "bitcoin",
  account: null,
  coin_label: "Bitcoin (BTC)",
  description: "Bitcoin (BTC) at or above 70,000.00 USD",
  currency: "usd",
  threshold: "70000",
  note: "take profit",
  repeating: true,
  cooldown_seconds: 0,
  paused: false,
  snoozed_until: null,
  created_at: 0,
  last_fired_at: null,
  done: false,
  channels: null,
};

const fired: AlertEvent = {
  id: 1,
  alert_id: 1,
  kind: "price_above",
  coin: "bitcoin",
  coin_label: "Bitcoin (BTC)",
  account: null,
  currency: "usd",
  threshold: "70000",
  observed: "70500",
  fired_at: 1_795_521_600,
  message: "Bitcoin (BTC) is at or above 70,000.00 USD: 70,500.00 USD",
};

function backend(permission: string) {
  const histories: AlertEvent[][] = [[], [fired]];
  mockIPC(
    (command) => {
      if (command === "list_alerts") return [rule];
      if (command === "alert_history") return histories.shift() ?? [fired];
      if (command === "notification_permission") return permission;
      throw `${command} not mocked`;
    },
    { shouldMockEvents: true },
  );
}

describe("the alerts screen", () => {
  it("lists the rules and shows a fired alert as soon as it fires", async () => {
    backend("granted");
    render(AlertsScreen);
    expect(await screen.findByText("Bitcoin (BTC) at or above 70,000.00 USD")).toBeInTheDocument();
    expect(screen.getByText("take profit")).toBeInTheDocument();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    await emit("alert-fired", {});
    expect(
      await screen.findByText("Bitcoin (BTC) is at or above 70,000.00 USD: 70,500.00 USD"),
    ).toBeInTheDocument();
  });

  it("says so when the system denies notifications", async () => {
    backend("denied");
    render(AlertsScreen);
    expect(await screen.findByRole("status")).toHaveTextContent(/Notifications are turned off/);
  });
});

describe("changing alerts", () => {
  function recording(extra: (command: string, args: unknown) => unknown = () => undefined) {
    const calls: Array<[string, unknown]> = [];
    mockIPC(
      (command, args) => {
        calls.push([command, args]);
        if (command === "list_alerts") return [rule];
        if (command === "alert_history") return [];
        if (command === "notification_permission") return "granted";
        if (command === "alerts_paused") return false;
        if (command === "rates_settings") throw { code: "locked", message: "locked" };
        const answer = extra(command, args);
        if (answer !== undefined) return answer;
        throw `${command} not mocked`;
      },
      { shouldMockEvents: true },
    );
    return calls;
  }

  it("creates a rule only once its coin and level make sense", async () => {
    const calls = recording((command) => {
      if (command === "search_coins") {
        return [{ id: "solana", symbol: "sol", name: "Solana", market_cap_rank: 6 }];
      }
      if (command === "add_alert") return { ...rule, id: 2 };
      return undefined;
    });
    render(AlertsScreen);
    await fireEvent.click(await screen.findByRole("button", { name: /New alert/ }));
    const dialog = screen.getByRole("dialog");
    await fireEvent.click(within(dialog).getByRole("button", { name: "Create alert" }));
    expect(within(dialog).getByText("Choose a coin from the list.")).toBeInTheDocument();
    expect(within(dialog).getByText(/Enter a level in USD/)).toBeInTheDocument();
    await fireEvent.input(within(dialog).getByLabelText("Coin"), { target: { value: "sol" } });
    await fireEvent.mouseDown(
      await within(dialog).findByRole("option", { name: /Solana/ }, { timeout: 2000 }),
    );
    await fireEvent.input(within(dialog).getByLabelText("Level in USD"), {
      target: { value: "180.5" },
    });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Create alert" }));
    await screen.findByRole("button", { name: /New alert/ });
    expect(calls).toContainEqual([
      "add_alert",
      {
        alert: {
          kind: "price_above",
          coin: "solana",
          threshold: "180.5",
          repeating: true,
          cooldown_seconds: 3600,
          channels: null,
        },
      },
    ]);
  });

  it("lets a rule skip a channel that is set up", async () => {
    const calls = recording((command) => {
      if (command === "alert_channels") {
        return {
          ntfy_url: "https://ntfy.sh/t",
          has_ntfy_token: false,
          webhook_url: "https://hook.example/x",
          privacy: false,
        };
      }
      if (command === "alert_deliveries") return [];
      if (command === "add_alert") return { ...rule, id: 2 };
      return undefined;
    });
    render(AlertsScreen);
    await fireEvent.click(await screen.findByRole("button", { name: /New alert/ }));
    const dialog = screen.getByRole("dialog");
    await fireEvent.change(within(dialog).getByLabelText("Tell me when"), {
      target: { value: "portfolio_above" },
    });
    await fireEvent.input(within(dialog).getByLabelText(/Level in/), { target: { value: "1000" } });
    const webhook = await within(dialog).findByLabelText("Webhook");
    expect(webhook).toBeChecked();
    await fireEvent.click(webhook);
    await fireEvent.click(within(dialog).getByRole("button", { name: "Create alert" }));
    await screen.findByRole("button", { name: /New alert/ });
    const added = calls.find(([command]) => command === "add_alert");
    expect(added?.[1]).toMatchObject({ alert: { kind: "portfolio_above", channels: ["ntfy"] } });
  });

  it("watches a wallet's balance: the wallet chosen, no level asked", async () => {
    const calls = recording((command) => {
      if (command === "list_wallets") return [{ name: "Cold storage" }, { name: "Rabby" }];
      if (command === "alert_channels") return { ntfy_url: null, webhook_url: null };
      if (command === "add_alert") return { ...rule, id: 3, kind: "wallet_changed" };
      return undefined;
    });
    render(AlertsScreen);
    await fireEvent.click(await screen.findByRole("button", { name: /New alert/ }));
    const dialog = screen.getByRole("dialog");
    await fireEvent.change(within(dialog).getByLabelText("Tell me when"), {
      target: { value: "wallet_changed" },
    });
    expect(within(dialog).queryByLabelText(/Level in/)).toBeNull();
    const wallet = await within(dialog).findByLabelText("Wallet");
    await within(dialog).findByRole("option", { name: "Rabby" });
    await fireEvent.change(wallet, { target: { value: "Rabby" } });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Create alert" }));
    await screen.findByRole("button", { name: /New alert/ });
    const added = calls.find(([command]) => command === "add_alert");
    expect(added?.[1]).toMatchObject({
      alert: { kind: "wallet_changed", account: "Rabby", threshold: "0" },
    });
  });

  it("sets up channels, shows the signing secret once and tests them", async () => {
    let set = { ntfy_url: null, has_ntfy_token: false, webhook_url: null, privacy: false };
    const calls = recording((command, args) => {
      if (command === "alert_channels") return set;
      if (command === "alert_deliveries") return [];
      if (command === "update_alert_channels") {
        const change = (args as { change: Record<string, unknown> }).change;
        set = { ...set, ...change } as typeof set;
        return { channels: set, new_webhook_secret: change.webhook_url ? "a1b2c3" : null };
      }
      if (command === "send_test_alert") {
        return [
          {
            alert_id: null,
            channel: "webhook",
            attempt: 1,
            outcome: "sent",
            detail: null,
            message: "test",
            at: 1,
          },
        ];
      }
      return undefined;
    });
    render(AlertsScreen);
    const webhook = await screen.findByLabelText("Webhook URL");
    await fireEvent.input(webhook, { target: { value: "ftp://nope" } });
    expect(screen.getByText(/starting with http/)).toBeInTheDocument();
    await fireEvent.input(webhook, { target: { value: "https://hook.example/x" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("a1b2c3")).toBeInTheDocument();
    expect(calls).toContainEqual([
      "update_alert_channels",
      { change: { ntfy_url: "", webhook_url: "https://hook.example/x" } },
    ]);
    await fireEvent.click(screen.getByRole("button", { name: "Send a test message" }));
    expect(await screen.findByText(/1 of 1 attempt/)).toBeInTheDocument();
    await fireEvent.click(screen.getByLabelText(/Privacy mode/));
    expect(calls).toContainEqual(["update_alert_channels", { change: { privacy: true } }]);
  });

  it("pauses, edits and deletes only after a confirmation", async () => {
    const calls = recording((command) => {
      if (command === "update_alert") return rule;
      if (command === "delete_alert") return null;
      return undefined;
    });
    render(AlertsScreen);
    const name = "Bitcoin (BTC) at or above 70,000.00 USD";
    await fireEvent.click(await screen.findByRole("button", { name: `Pause ${name}` }));
    expect(calls).toContainEqual(["update_alert", { id: 1, change: { paused: true } }]);

    await fireEvent.click(screen.getByRole("button", { name: `Edit ${name}` }));
    const dialog = screen.getByRole("dialog");
    await fireEvent.input(within(dialog).getByLabelText(/Note/), {
      target: { value: "sell half" },
    });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(calls).toContainEqual([
      "update_alert",
      { id: 1, change: { note: "sell half", cooldown_seconds: 0, snoozed_until: 0 } },
    ]);

    await fireEvent.click(screen.getByRole("button", { name: `Delete ${name}` }));
    expect(calls.some(([command]) => command === "delete_alert")).toBe(false);
    await fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect(calls).toContainEqual(["delete_alert", { id: 1 }]);
  });
});
