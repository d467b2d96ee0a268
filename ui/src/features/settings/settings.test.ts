import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { preferences, setPrivacy, setTheme } from "../../lib/preferences.svelte";
import ApiSettings from "./ApiSettings.svelte";
import AppearanceSettings from "./AppearanceSettings.svelte";
import DesktopSettings from "./DesktopSettings.svelte";
import PriceSettings from "./PriceSettings.svelte";
import PrivacyLog from "./PrivacyLog.svelte";
import SecuritySettings from "./SecuritySettings.svelte";
import { describeInterval, refreshesPerMonth } from "./intervals";

afterEach(() => {
  cleanup();
  clearMocks();
  setTheme("system");
  setPrivacy(false);
});

const stored = {
  base_currency: "usd",
  refresh_interval_seconds: 300,
  plan: "demo",
  has_api_key: false,
  older_prices: true,
};

describe("price settings", () => {
  it("explains the budget an interval implies and saves only what changed", async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      if (command === "rates_settings") return stored;
      if (command === "sync_status") return { interval_seconds: 300 };
      if (command === "update_rates_settings") return { ...stored, base_currency: "eur" };
      throw `${command} not mocked`;
    });
    render(PriceSettings);
    const budget = await screen.findByText(/refreshes a month/);
    expect(budget).toHaveTextContent("About 8,640 refreshes a month");
    expect(budget).toHaveTextContent("Your plan gives 10,000 calls a month");

    const currency = screen.getByLabelText("Base currency");
    await fireEvent.input(currency, { target: { value: "e-u-r" } });
    expect(screen.getByText(/Use a currency code/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
    await fireEvent.input(currency, { target: { value: "EUR" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved.");
    expect(calls).toContainEqual(["update_rates_settings", { change: { base_currency: "eur" } }]);
  });

  it("turns DefiLlama off at once, saying what it would learn", async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      if (command === "rates_settings") return stored;
      if (command === "sync_status") return { interval_seconds: 300 };
      if (command === "update_rates_settings") return { ...stored, older_prices: false };
      throw `${command} not mocked`;
    });
    render(PriceSettings);
    const older = (await screen.findByLabelText(/older than the plan reaches/)) as HTMLInputElement;
    expect(older.checked).toBe(true);
    expect(older.closest("label")).toHaveTextContent("it learns which coins you held");
    await fireEvent.click(older);
    await waitFor(() => expect(older.checked).toBe(false));
    expect(calls).toContainEqual(["update_rates_settings", { change: { older_prices: false } }]);
  });

  it("names intervals and counts refreshes in a 30-day month", () => {
    expect(describeInterval(300)).toBe("every 5 min");
    expect(describeInterval(3600)).toBe("every hour");
    expect(describeInterval(7200)).toBe("every 2 h");
    expect(refreshesPerMonth(60)).toBe(43_200);
  });
});

describe("appearance", () => {
  it("applies the theme to the page and turns privacy mode on", async () => {
    render(AppearanceSettings);
    await fireEvent.click(screen.getByLabelText("Dark"));
    expect(document.documentElement.dataset.theme).toBe("dark");
    await fireEvent.click(screen.getByLabelText("Light"));
    expect(document.documentElement.dataset.theme).toBe("light");
    await fireEvent.click(screen.getByLabelText(/Privacy mode/));
    expect(preferences.privacy).toBe(true);
    expect(window.localStorage.getItem("crypto-balance.privacy")).toBe("on");
  });
});

describe("security", () => {
  it("refuses a short or mismatched new passphrase before asking the backend", async () => {
    const calls: string[] = [];
    let finishChange: (value: null) => void = () => {};
    mockIPC(
      (command) => {
        calls.push(command);
        if (command === "app_lock") return false;
        if (command === "change_passphrase") return new Promise((done) => (finishChange = done));
        throw `${command} not mocked`;
      },
      { shouldMockEvents: true },
    );
    render(SecuritySettings);
    await screen.findByRole("button", { name: "Turn on" });
    await fireEvent.input(screen.getByLabelText("Current passphrase"), {
      target: { value: "old passphrase" },
    });
    await fireEvent.input(screen.getByLabelText("New passphrase"), { target: { value: "short" } });
    expect(screen.getByText("Use at least 8 characters.")).toBeInTheDocument();
    await fireEvent.input(screen.getByLabelText("New passphrase"), {
      target: { value: "a much longer one" },
    });
    await fireEvent.input(screen.getByLabelText("New passphrase again"), {
      target: { value: "a much longer on" },
    });
    expect(screen.getByText("The two new passphrases differ.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Change passphrase" })).toBeDisabled();
    await fireEvent.input(screen.getByLabelText("New passphrase again"), {
      target: { value: "a much longer one" },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Change passphrase" }));
    // The re-encryption reports how far it is while it runs.
    await waitFor(() => expect(calls).toContain("change_passphrase"));
    await emit("passphrase-progress", { phase: "copying", bytes_done: 450, bytes_total: 1000 });
    expect(await screen.findByText("Re-encrypting your data… 45%")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Change passphrase" })).toBeDisabled();
    finishChange(null);
    expect(await screen.findByText(/The passphrase was changed/)).toBeInTheDocument();
    expect(screen.queryByText(/Re-encrypting/)).not.toBeInTheDocument();
    expect(calls).toEqual(["app_lock", "change_passphrase"]);
  });
});

describe("desktop behaviour", () => {
  it("adds the login item and keeps the tray preferences as they were", async () => {
    const calls: Array<[string, unknown]> = [];
    const stored = {
      prefs: { close_to_tray: true, start_minimized: true },
      launchAtLogin: false,
    };
    mockIPC((command, args) => {
      calls.push([command, args]);
      if (command === "desktop_settings") return stored;
      if (command === "set_desktop_settings") return (args as { settings: unknown }).settings;
      throw `${command} not mocked`;
    });
    render(DesktopSettings);
    await fireEvent.click(await screen.findByLabelText(/Launch Crypto Balance when I log in/));
    expect(calls).toContainEqual([
      "set_desktop_settings",
      { settings: { ...stored, launchAtLogin: true } },
    ]);
    expect(screen.getByLabelText(/Launch Crypto Balance/)).toBeChecked();
  });
});

describe("local API settings", () => {
  const token = { name: "ha", scope: "read", created_at: 1_700_000_000, last_used_at: null };

  it("serves on a chosen port and shows where it listens", async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      if (command === "api_server_status") return { enabled: false, port: 7823, url: null };
      if (command === "api_tokens") return [];
      if (command === "set_api_server")
        return { enabled: true, port: 9000, url: "http://127.0.0.1:9000/api/v1" };
      throw `${command} not mocked`;
    });
    render(ApiSettings);
    const port = await screen.findByLabelText("Port");
    await fireEvent.input(port, { target: { value: "80" } });
    expect(screen.getByText(/Pick a port from 1024/)).toBeInTheDocument();
    await fireEvent.input(port, { target: { value: "9000" } });
    await fireEvent.click(screen.getByLabelText(/Serve the local API/));
    expect(await screen.findByRole("status")).toHaveTextContent("http://127.0.0.1:9000/api/v1");
    expect(calls).toContainEqual(["set_api_server", { enabled: true, port: 9000 }]);
  });

  it("shows a new token once and revokes only after a second click", async () => {
    let listed: unknown[] = [];
    const calls: Array<[string, unknown]> = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      if (command === "api_server_status") return { enabled: false, port: 7823, url: null };
      if (command === "api_tokens") return listed;
      if (command === "create_api_token") {
        listed = [token];
        return { token, secret: "cb_0123456789abcdef" };
      }
      if (command === "revoke_api_token") {
        listed = [];
        return null;
      }
      throw `${command} not mocked`;
    });
    render(ApiSettings);
    await screen.findByText("No tokens yet.");
    await fireEvent.input(screen.getByPlaceholderText("Home Assistant"), {
      target: { value: " ha " },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByText("cb_0123456789abcdef")).toBeInTheDocument();
    expect(calls).toContainEqual(["create_api_token", { name: "ha", readOnly: true }]);
    await fireEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByText("cb_0123456789abcdef")).not.toBeInTheDocument();

    await fireEvent.input(screen.getByPlaceholderText("Home Assistant"), {
      target: { value: "HA" },
    });
    expect(screen.getByText("A token has that name already.")).toBeInTheDocument();
    await fireEvent.click(screen.getByRole("button", { name: "Revoke…" }));
    expect(calls.some(([command]) => command === "revoke_api_token")).toBe(false);
    await fireEvent.click(screen.getByRole("button", { name: "Revoke now" }));
    await screen.findByText("No tokens yet.");
    expect(calls).toContainEqual(["revoke_api_token", { name: "ha" }]);
  });
});

describe("who saw what", () => {
  it("lists each request with who was asked what", async () => {
    mockIPC((command) => {
      if (command === "privacy_log") {
        return [
          {
            provider: "coingecko",
            asked: "GET /simple/price?ids=bitcoin&vs_currencies=usd",
            outcome: "ok",
            at: 1_700_000_000,
          },
          { provider: "ntfy", asked: "POST https://ntfy.sh/t: hi", outcome: "unreachable", at: 1 },
        ];
      }
      throw `${command} not mocked`;
    });
    render(PrivacyLog);
    expect(await screen.findByText(/simple\/price\?ids=bitcoin/)).toBeInTheDocument();
    expect(screen.getByText("CoinGecko")).toBeInTheDocument();
    expect(screen.getByText(/\(unreachable\)/)).toBeInTheDocument();
  });

  it("shows the calls of a backfill as it makes them", async () => {
    const older = {
      provider: "defillama",
      asked: "GET /chart/coingecko:bitcoin",
      outcome: "ok",
      at: 1_700_000_100,
    };
    let log: (typeof older)[] = [];
    mockIPC(
      (command) => {
        if (command === "privacy_log") return log;
        throw `${command} not mocked`;
      },
      { shouldMockEvents: true },
    );
    render(PrivacyLog);
    await screen.findByText("Nothing has been sent outside yet.");
    log = [older];
    await new Promise((done) => setTimeout(done, 10)); // the listeners are registered
    await emit("backfill-progress", {});
    expect(await screen.findByText(/chart\/coingecko:bitcoin/)).toBeInTheDocument();
  });
});
