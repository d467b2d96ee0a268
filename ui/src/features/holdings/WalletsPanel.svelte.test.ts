import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { listWallets, onHoldingsChanged, onWalletScanned, type Wallet } from "../../api";
import { resource, type Resource } from "../../lib/resource.svelte";
import WalletsPanel from "./WalletsPanel.svelte";

let stopRoot: (() => void) | null = null;

afterEach(() => {
  cleanup();
  stopRoot?.();
  clearMocks();
});

/** The panel with the wallets resource the Holdings screen would give it. */
function renderPanel() {
  let wallets: Resource<Wallet[]> | null = null;
  stopRoot = $effect.root(() => {
    wallets = resource(listWallets, [onHoldingsChanged, onWalletScanned]);
  });
  if (wallets) render(WalletsPanel, { props: { wallets } });
}

const FIRST = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";
const wallet = {
  account_id: 7,
  name: "Cold storage",
  chain: "bitcoin",
  watch: "wpkh(xpub…/0/*)#abc",
  network: "bitcoin",
  first_address: FIRST,
  gap_limit: 20,
  scanned_height: 800000,
  scanned_at: 1764547200,
  last_error: null,
  unpriced_tokens: [],
};

/** The backend answering each command named in `answers`, and `null` to any other. */
function mockCommands(answers: Record<string, (args: Record<string, unknown>) => unknown>) {
  mockIPC((command, args) => answers[command]?.(args as Record<string, unknown>) ?? null, {
    shouldMockEvents: true,
  });
}

/**
 * The backend while a wallet is added: none watched yet, `preview` answering what is typed, and
 * the wallet sent kept in the list returned (the backend answers it as `answer`).
 */
function mockAdding(preview: (args: Record<string, unknown>) => unknown, answer: Partial<Wallet>) {
  const added: unknown[] = [];
  mockCommands({
    list_wallets: () => [],
    preview_wallet: preview,
    add_wallet: (args) => {
      added.push(args.wallet);
      return { ...wallet, ...answer };
    },
    scan_wallets: () => [],
  });
  return added;
}

/** Opens the panel's form with `chain` chosen. */
async function openFormOn(chain: string) {
  renderPanel();
  await fireEvent.click(await screen.findByRole("button", { name: /watch a wallet/i }));
  const select = document.querySelector("[data-wallet-chain]");
  if (select) await fireEvent.change(select, { target: { value: chain } });
}

describe("Holdings → Watched wallets", () => {
  it("lists each wallet with the block it was last scanned at", async () => {
    mockIPC((command) => (command === "list_wallets" ? [wallet] : null), {
      shouldMockEvents: true,
    });
    renderPanel();
    expect(await screen.findByText("Cold storage")).toBeInTheDocument();
    expect(screen.getByText(/as of block 800,000/)).toBeInTheDocument();
  });

  it("refuses a seed phrase as it is typed, with the backend's reason, and cannot add it", async () => {
    const asked: string[] = [];
    mockIPC(
      (command, args) => {
        if (command === "list_wallets") return [];
        if (command === "preview_wallet") {
          const watch = (args as { watch: string }).watch;
          asked.push(watch);
          if (watch.includes(" ")) {
            throw {
              code: "secret_refused",
              message:
                "this looks like a recovery phrase (seed words). Crypto Balance only watches wallets",
            };
          }
          return { network: "bitcoin", first_address: FIRST, derives_addresses: true };
        }
        return null;
      },
      { shouldMockEvents: true },
    );
    renderPanel();
    await fireEvent.click(await screen.findByRole("button", { name: /watch a wallet/i }));
    const field = screen.getByLabelText(/address, xpub/i);
    await fireEvent.input(field, { target: { value: "abandon ".repeat(11) + "about" } });
    expect(await screen.findByText(/recovery phrase/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /watch and scan/i })).toBeDisabled();

    await fireEvent.input(field, { target: { value: "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrt" } });
    expect(await screen.findByText(FIRST)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /watch and scan/i })).toBeEnabled();
  });

  it("watches a Solana address: no gap limit, the chain sent with it", async () => {
    const added = mockAdding(
      ({ chain, watch }) => ({
        network: chain === "solana" ? "mainnet" : "bitcoin",
        first_address: watch,
        derives_addresses: false,
      }),
      { chain: "solana", name: "Phantom" },
    );
    await openFormOn("solana");
    expect(screen.queryByText("Gap limit")).toBeNull();
    const address = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
    const field = document.querySelector("[data-wallet-watch]");
    if (field) await fireEvent.input(field, { target: { value: address } });
    expect(await screen.findByText(address)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole("button", { name: /watch and scan/i }));
    await vi.waitFor(() => expect(added).toHaveLength(1));
    expect(added[0]).toMatchObject({ chain: "solana", watch: address, gap_limit: null });
  });

  it("watches an EVM address on the chains ticked, sent as one list", async () => {
    const previewed: (string | null)[] = [];
    const owner = "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045";
    const added = mockAdding(
      ({ choice }) => {
        previewed.push(choice as string | null);
        return { network: choice, first_address: owner, derives_addresses: false };
      },
      { chain: "evm", name: "Rabby" },
    );
    await openFormOn("evm");
    expect(screen.queryByText("Gap limit")).toBeNull();
    await fireEvent.click(screen.getByLabelText("Base"));
    await fireEvent.click(screen.getByLabelText("BNB Chain"));
    const field = document.querySelector("[data-wallet-watch]");
    if (field) await fireEvent.input(field, { target: { value: owner.toLowerCase() } });
    expect(
      await screen.findByText(/Ethereum, Arbitrum, Optimism, Polygon · address/),
    ).toBeInTheDocument();
    expect(previewed.at(-1)).toBe("ethereum,arbitrum,optimism,polygon");
    await fireEvent.click(screen.getByRole("button", { name: /watch and scan/i }));
    await vi.waitFor(() => expect(added).toHaveLength(1));
    expect(added[0]).toMatchObject({ chain: "evm", chains: "ethereum,arbitrum,optimism,polygon" });
  });

  it("lists the tokens no coin matches apart, as not counted", async () => {
    const spam = {
      chain: "solana",
      token: "So11111111111111111111111111111111111111112",
      amount: "1000",
    };
    mockIPC(
      (command) =>
        command === "list_wallets"
          ? [{ ...wallet, chain: "solana", name: "Phantom", unpriced_tokens: [spam] }]
          : null,
      { shouldMockEvents: true },
    );
    renderPanel();
    expect(await screen.findByText(/1 unpriced token, not counted/)).toBeInTheDocument();
    expect(screen.getByText(spam.token)).toBeInTheDocument();
  });

  it("renames a wallet and changes its gap limit in place", async () => {
    const edits: unknown[] = [];
    mockCommands({
      list_wallets: () => [wallet],
      edit_wallet: (args) => {
        edits.push(args);
        return { ...wallet, name: "Vault", gap_limit: 30 };
      },
    });
    renderPanel();
    await fireEvent.click(await screen.findByRole("button", { name: "Edit Cold storage" }));
    const name = document.querySelector("[data-edit-name]");
    if (name) await fireEvent.input(name, { target: { value: "Vault" } });
    await fireEvent.input(screen.getByLabelText("Gap limit"), { target: { value: "30" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved 'Vault'.");
    expect(edits).toEqual([
      { name: "Cold storage", change: { name: "Vault", gap_limit: 30, chains: null } },
    ]);
  });

  it("asks before it stops watching a wallet", async () => {
    const removed: unknown[] = [];
    mockCommands({
      list_wallets: () => [wallet],
      remove_wallet: (args) => {
        removed.push(args.name);
        return wallet;
      },
    });
    renderPanel();
    await fireEvent.click(await screen.findByRole("button", { name: "Stop watching" }));
    expect(removed).toEqual([]);
    expect(screen.getByText(/every entry its scans wrote are removed/)).toBeInTheDocument();
    const confirm = document.querySelector("[data-confirm-remove]");
    expect(confirm).not.toBeNull();
    if (confirm) await fireEvent.click(confirm);
    await screen.findByText(/Stopped watching 'Cold storage'/);
    expect(removed).toEqual(["Cold storage"]);
  });
});
