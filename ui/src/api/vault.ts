// The vault (src-tauri/src/commands/vault.rs): first-start creation and unlock.
import {
  commands,
  type RestoreOutcome,
  type UnlockOutcome,
  type VaultStatus,
} from "./bindings/contract";
import { unwrap } from "./ipc";

export type { RestoreOutcome, UnlockOutcome, VaultStatus };

/** Fewer characters are refused by the backend too; checked here to answer as the user types. */
export const MIN_PASSPHRASE_CHARS = 8;

export function vaultStatus(): Promise<VaultStatus> {
  return unwrap(commands.vaultStatus());
}

/** Creates the vault protected by `passphrase`; `useKeychain` allows silent unlock later. */
export function createVault(passphrase: string, useKeychain: boolean): Promise<UnlockOutcome> {
  return unwrap(commands.createVault(passphrase, useKeychain));
}

/** Unlocks from the system keychain (no passphrase) or with the passphrase. */
export function unlockVault(passphrase: string | null): Promise<UnlockOutcome> {
  return unwrap(commands.unlockVault(passphrase));
}

/** Closes the database and stops refreshing until the next unlock. */
export async function lockVault(): Promise<void> {
  await unwrap(commands.lockVault());
}

export async function changePassphrase(old: string, next: string): Promise<void> {
  await unwrap(commands.changePassphrase(old, next));
}

/** Whether the passphrase is asked at every start. */
export function appLock(): Promise<boolean> {
  return unwrap(commands.appLock());
}

export async function setAppLock(passphrase: string, locked: boolean): Promise<void> {
  await unwrap(commands.setAppLock(passphrase, locked));
}

/** Writes an encrypted backup; returns its size in bytes. */
export function backupTo(path: string): Promise<number> {
  return unwrap(commands.backupTo(path));
}

/** Replaces all data with a backup; its passphrase opens the vault from then on. */
export function restoreFrom(path: string, passphrase: string): Promise<RestoreOutcome> {
  return unwrap(commands.restoreFrom(path, passphrase));
}
