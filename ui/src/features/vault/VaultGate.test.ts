import { fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { createRawSnippet } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { prefetchPortfolioSummary } from "../../api/rates";
import VaultGate from "./VaultGate.svelte";

afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

const shell = createRawSnippet(() => ({ render: () => "<p>the app shell</p>" }));
const unlocked = { status: "unlocked", keychain_notice: null };

type Args = Record<string, unknown> | undefined;

function backend(handlers: Record<string, (args: Args) => unknown>) {
  const calls: Array<[string, Args]> = [];
  mockIPC((command, args) => {
    calls.push([command, args as Args]);
    const handler = handlers[command];
    if (!handler) throw `${command} not mocked`;
    return handler(args as Args);
  });
  return calls;
}

describe("the vault gate", () => {
  it("asks for a recovery passphrase on first start, then the base currency, then opens", async () => {
    const calls = backend({
      vault_status: () => "not_created",
      create_vault: () => unlocked,
      update_rates_settings: () => ({}),
    });
    render(VaultGate, { children: shell });
    const passphrase = await screen.findByLabelText("Recovery passphrase");
    const button = screen.getByRole("button", { name: /create encrypted vault/i });
    await fireEvent.input(passphrase, { target: { value: "short" } });
    expect(screen.getByText(/at least 8 characters/)).toBeInTheDocument();
    expect(button).toBeDisabled();

    expect(screen.getByText(/Strength: too short/)).toBeInTheDocument();
    await fireEvent.input(passphrase, { target: { value: "a long passphrase" } });
    expect(screen.getByText(/Strength: very strong/)).toBeInTheDocument();
    await fireEvent.input(screen.getByLabelText("Repeat it"), {
      target: { value: "a long passphrasE" },
    });
    expect(screen.getByText(/differ/)).toBeInTheDocument();
    await fireEvent.input(screen.getByLabelText("Repeat it"), {
      target: { value: "a long passphrase" },
    });
    await fireEvent.click(button);
    const currency = await screen.findByLabelText("Show values in");
    await fireEvent.change(currency, { target: { value: "eur" } });
    await fireEvent.click(screen.getByRole("button", { name: "Add a holding" }));
    expect(await screen.findByText("the app shell")).toBeInTheDocument();
    expect(window.location.hash).toBe("#/holdings");
    expect(calls).toContainEqual([
      "create_vault",
      { passphrase: "a long passphrase", useKeychain: true },
    ]);
    expect(calls).toContainEqual(["update_rates_settings", { change: { base_currency: "eur" } }]);
  });

  it("unlocks silently from the keychain on later starts", async () => {
    const calls = backend({ vault_status: () => "locked", unlock_vault: () => unlocked });
    render(VaultGate, { children: shell });
    expect(await screen.findByText("the app shell")).toBeInTheDocument();
    expect(calls).toContainEqual(["unlock_vault", { passphrase: null }]);
  });

  it("asks for the passphrase when the keychain cannot unlock, and names a wrong one", async () => {
    backend({
      vault_status: () => "locked",
      unlock_vault: (args) => {
        if (args?.passphrase === null) throw { code: "locked", message: "passphrase needed" };
        if (args?.passphrase !== "the right one") {
          throw { code: "wrong_passphrase", message: "the passphrase is wrong" };
        }
        return { status: "unlocked", keychain_notice: "The system keychain could not be used." };
      },
    });
    render(VaultGate, { children: shell });
    const field = await screen.findByLabelText("Recovery passphrase");
    await fireEvent.input(field, { target: { value: "a wrong one" } });
    await fireEvent.click(screen.getByRole("button", { name: "Unlock" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveAttribute("data-error-code", "wrong_passphrase");

    await fireEvent.input(field, { target: { value: "the right one" } });
    await fireEvent.click(screen.getByRole("button", { name: "Unlock" }));
    expect(await screen.findByText("the app shell")).toBeInTheDocument();
    expect(screen.getByText(/keychain could not be used/)).toBeInTheDocument();
  });

  it("shows why the data cannot be opened instead of a spinner", async () => {
    backend({
      vault_status: () => "locked",
      unlock_vault: () => {
        throw { code: "newer_version", message: "written by a newer version" };
      },
    });
    render(VaultGate, { children: shell });
    expect(await screen.findByRole("alert")).toHaveTextContent("written by a newer version");
  });

  it("opens at once when the portfolio prefetched at start arrived, without asking again", async () => {
    const calls = backend({ portfolio_value: () => ({ total: "1" }) });
    prefetchPortfolioSummary();
    render(VaultGate, { children: shell });
    expect(await screen.findByText("the app shell")).toBeInTheDocument();
    expect(calls.map(([command]) => command)).toEqual(["portfolio_value"]);
  });

  it("checks the vault when the prefetch was refused (locked), then unlocks", async () => {
    const calls = backend({
      portfolio_value: () => {
        throw { code: "locked", message: "the vault is locked" };
      },
      vault_status: () => "locked",
      unlock_vault: () => unlocked,
    });
    prefetchPortfolioSummary();
    render(VaultGate, { children: shell });
    expect(await screen.findByText("the app shell")).toBeInTheDocument();
    expect(calls.map(([command]) => command)).toEqual([
      "portfolio_value",
      "vault_status",
      "unlock_vault",
    ]);
  });

  it("shows a placeholder only when opening takes a while", async () => {
    vi.useFakeTimers();
    backend({ vault_status: () => new Promise(() => {}) });
    render(VaultGate, { children: shell });
    await vi.advanceTimersByTimeAsync(100);
    expect(screen.queryByText(/Opening your vault/)).not.toBeInTheDocument();
    await vi.advanceTimersByTimeAsync(400);
    expect(screen.getByText(/Opening your vault/)).toBeInTheDocument();
  });
});
