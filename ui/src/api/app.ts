// Commands about the app itself (src-tauri/src/commands/app.rs).
import type { AppInfo } from "./bindings/AppInfo";
import type { DesktopSettings } from "./bindings/DesktopSettings";
import { call } from "./ipc";

export type { AppInfo, DesktopSettings };

/** This build's name, version and data folder. */
export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

/** Opens the data folder in the system file manager. */
export async function openDataDir(): Promise<void> {
  await call<null>("open_data_dir");
}

/** Close to tray, start minimized, and whether the app launches at login. */
export function desktopSettings(): Promise<DesktopSettings> {
  return call<DesktopSettings>("desktop_settings");
}

export function setDesktopSettings(settings: DesktopSettings): Promise<DesktopSettings> {
  return call<DesktopSettings>("set_desktop_settings", { settings });
}

let readyReported = false;

/**
 * Tells the backend the first screen with data is on screen (once per window load): called with
 * it in the document, it waits two frames, since the second frame callback runs only once the
 * frame that shows it has been produced (the empty app in benches/ reports the same way).
 */
export function reportReady(): void {
  if (readyReported) return;
  readyReported = true;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      call<null>("ui_ready", { pageMs: performance.now() }).catch(() => {
        // Only a log line is lost.
      });
    }),
  );
}
