// Commands about the app itself (src-tauri/src/commands/app.rs).
import type { AppInfo } from "./bindings/AppInfo";
import { call } from "./ipc";

export type { AppInfo };

/** This build's name, version and data folder. */
export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

/** Opens the data folder in the system file manager. */
export async function openDataDir(): Promise<void> {
  await call<null>("open_data_dir");
}
