export { AppError, toAppError } from "./ipc";
export { appInfo, openDataDir, type AppInfo } from "./app";
export { listHoldings, type Holding } from "./holdings";
export {
  portfolioValue,
  refreshRates,
  syncStatus,
  type CycleReport,
  type SyncStatus,
  type Valuation,
  type ValuedHolding,
} from "./rates";
export { listenAll, onAlertFired, onHoldingsChanged, onRatesUpdated, onSyncStatus } from "./events";
export {
  alertHistory,
  listAlerts,
  notificationPermission,
  type AlertEvent,
  type AlertRule,
  type FiredAlert,
  type NotificationPermission,
} from "./alerts";
export {
  createVault,
  MIN_PASSPHRASE_CHARS,
  unlockVault,
  vaultStatus,
  type UnlockOutcome,
  type VaultStatus,
} from "./vault";
export type { ErrorCode } from "./bindings/ErrorCode";
