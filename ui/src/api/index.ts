export { AppError, toAppError } from "./ipc";
export { appInfo, openDataDir, type AppInfo } from "./app";
export {
  addHolding,
  coinEntries,
  listAccounts,
  listHoldings,
  removeHolding,
  setHolding,
  undoChange,
  type Account,
  type Holding,
  type HoldingChange,
  type LedgerEntry,
  type NewHolding,
} from "./holdings";
export {
  netWorthHistory,
  portfolioValue,
  priceHistory,
  ratesSettings,
  refreshRates,
  searchCoins,
  syncStatus,
  updateRatesSettings,
  type CycleReport,
  type Listing,
  type NetWorthPoint,
  type Plan,
  type PricePoint,
  type RatesSettings,
  type SyncStatus,
  type Valuation,
  type ValuedHolding,
} from "./rates";
export {
  listenAll,
  onAlertFired,
  onHoldingsChanged,
  onImportProgress,
  onRatesUpdated,
  onSyncStatus,
} from "./events";
export {
  addAlert,
  alertHistory,
  alertsPaused,
  deleteAlert,
  listAlerts,
  notificationPermission,
  setAlertsPaused,
  updateAlert,
  type AlertChange,
  type AlertEvent,
  type AlertKind,
  type AlertRule,
  type FiredAlert,
  type NewAlert,
  type NotificationPermission,
} from "./alerts";
export {
  appLock,
  backupTo,
  changePassphrase,
  createVault,
  lockVault,
  MIN_PASSPHRASE_CHARS,
  restoreFrom,
  setAppLock,
  unlockVault,
  vaultStatus,
  type UnlockOutcome,
  type VaultStatus,
} from "./vault";
export {
  cancelImport,
  exportCsv,
  importCsv,
  previewImport,
  type ExportWhat,
  type ImportChoices,
  type ImportFormat,
  type ImportProgress,
  type ImportReport,
} from "./transfer";
export type { AssetSummary } from "./bindings/AssetSummary";
export type { AccountSummary } from "./bindings/AccountSummary";
export type { ErrorCode } from "./bindings/ErrorCode";
