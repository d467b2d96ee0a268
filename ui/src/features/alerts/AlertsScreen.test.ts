import { cleanup, render, screen } from "@testing-library/svelte";
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
};

const fired: AlertEvent = {
  id: 1,
  alert_id: 1,
  kind: "price_above",
  coin: "bitcoin",
  currency: "usd",
  threshold: "70000",
  observed: "70500",
  fired_at: 1_795_521_600,
  message: "bitcoin is at or above 70000 USD: 70500 USD",
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
    expect(await screen.findByText("bitcoin at or above 70,000 USD")).toBeInTheDocument();
    expect(screen.getByText("take profit")).toBeInTheDocument();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    await emit("alert-fired", {});
    expect(
      await screen.findByText("bitcoin is at or above 70000 USD: 70500 USD"),
    ).toBeInTheDocument();
  });

  it("says so when the system denies notifications", async () => {
    backend("denied");
    render(AlertsScreen);
    expect(await screen.findByRole("status")).toHaveTextContent(/Notifications are turned off/);
  });
});
