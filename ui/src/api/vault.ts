// The vault (src-tauri/src/commands/vault.rs): first-start creation and unlock.
import type { RestoreOutcome } from "./bindings/RestoreOutcome";
import type { UnlockOutcome } from "./bindings/UnlockOutcome";
import type { VaultStatus } from "./bindings/VaultStatus";
import { call } from "./ipc";

export type { RestoreOutcome, UnlockOutcome, VaultStatus };

/** Fewer characters are refused by the backend too; checked here to answer as the user types. */
export const MIN_PASSPHRASE_CHARS = 8;

export function vaultStatus(): Promise<VaultStatus> {
  return call<VaultStatus>("vault_status");
}

/** Creates the vault protected by `passphrase`; `useKeychain` allows silent unlock later. */
export function createVault(passphrase: string, useKeychain: boolean): Promise<UnlockOutcome> {
  return call<UnlockOutcome>("create_vault", { passphrase, useKeychain });
}

/** Unlocks from the system keychain (no passphrase) or with the passphrase. */
export function unlockVault(passphrase: string | null): Promise<UnlockOutcome> {
  return call<UnlockOutcome>("unlock_vault", { passphrase });
}

/** Closes the database and stops refreshing until the next unlock. */
export async function lockVault(): Promise<void> {
  await call<null>("lock_vault");
}

export async function changePassphrase(old: string, next: string): Promise<void> {
  await call<null>("change_passphrase", { old, new: next });
}

/** Whether the passphrase is asked at every start. */
export function appLock(): Promise<boolean> {
  return call<boolean>("app_lock");
}

export async function setAppLock(passphrase: string, locked: boolean): Promise<void> {
  await call<null>("set_app_lock", { passphrase, locked });
}

/** Writes an encrypted backup; returns its size in bytes. */
export function backupTo(path: string): Promise<number> {
  return call<number>("backup_to", { path });
}

/** Replaces all data with a backup; its passphrase opens the vault from then on. */
export function restoreFrom(path: string, passphrase: string): Promise<RestoreOutcome> {
  return call<RestoreOutcome>("restore_from", { path, passphrase });
}
