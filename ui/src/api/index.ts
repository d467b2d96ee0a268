export { AppError, toAppError } from "./ipc";
export { appInfo, openDataDir, type AppInfo } from "./app";
export type { ErrorCode } from "./bindings/ErrorCode";
