export { AppError, toAppError } from "./ipc";
export { appInfo, openDataDir, type AppInfo } from "./app";
export { listHoldings, type Holding } from "./holdings";
export {
  createVault,
  MIN_PASSPHRASE_CHARS,
  unlockVault,
  vaultStatus,
  type UnlockOutcome,
  type VaultStatus,
} from "./vault";
export type { ErrorCode } from "./bindings/ErrorCode";
