// The vault (src-tauri/src/commands/vault.rs): first-start creation and unlock.
import type { UnlockOutcome } from "./bindings/UnlockOutcome";
import type { VaultStatus } from "./bindings/VaultStatus";
import { call } from "./ipc";

export type { UnlockOutcome, VaultStatus };

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
