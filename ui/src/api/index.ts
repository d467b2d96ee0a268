// What screens import from the backend: every wrapper and the types they use. Each module says
// which commands it wraps; `bindings/contract.ts` is generated and not imported directly.
export { AppError, toAppError } from "./ipc";
export * from "./app";
export * from "./holdings";
export * from "./rates";
export * from "./events";
export * from "./alerts";
export * from "./vault";
export * from "./transfer";
export * from "./profit";
export * from "./dialogs";
export * from "./localApi";
export * from "./wallets";
export type { AccountSummary, AssetSummary, ErrorCode } from "./bindings/contract";
