// Watch-only wallets (src-tauri/src/commands/wallets.rs). Only public data crosses here: a private
// key or recovery phrase is refused by the backend with `secret_refused`.
import {
  commands,
  type NewWallet,
  type ScanReport,
  type Wallet,
  type WalletChain,
  type WalletPreview,
  type WalletSettings,
  type UnpricedToken,
  type WalletChange,
} from "./bindings/contract";
import { unwrap } from "./ipc";

export type {
  NewWallet,
  ScanReport,
  UnpricedToken,
  Wallet,
  WalletChain,
  WalletChange,
  WalletPreview,
  WalletSettings,
};

export function listWallets(): Promise<Wallet[]> {
  return unwrap(commands.listWallets());
}

/**
 * Checks what is being typed: its network and first address, or why it cannot be watched.
 * `choice` is the script type (Bitcoin) or the chains, comma-separated (EVM).
 */
export function previewWallet(
  chain: WalletChain,
  watch: string,
  choice: string | null,
): Promise<WalletPreview> {
  return unwrap(commands.previewWallet(chain, watch, choice));
}

export function addWallet(wallet: NewWallet): Promise<Wallet> {
  return unwrap(commands.addWallet(wallet));
}

/** Scans the named wallet, or every wallet; a provider's failure is in its report. */
export function scanWallets(name: string | null): Promise<ScanReport[]> {
  return unwrap(commands.scanWallets(name));
}

/** Renames a wallet, or changes its gap limit (Bitcoin) or chains (EVM). */
export function editWallet(name: string, change: WalletChange): Promise<Wallet> {
  return unwrap(commands.editWallet(name, change));
}

export function removeWallet(name: string): Promise<Wallet> {
  return unwrap(commands.removeWallet(name));
}

/** The servers wallets are scanned through (`null` or absent: the public one). */
export function walletSettings(): Promise<WalletSettings> {
  return unwrap(commands.walletSettings());
}

export function setWalletSettings(settings: WalletSettings): Promise<WalletSettings> {
  return unwrap(commands.setWalletSettings(settings));
}
