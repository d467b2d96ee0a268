// Commands about the app itself (src-tauri/src/commands/app.rs).
import {
  commands,
  type AppInfo,
  type DesktopSettings,
  type Request as PrivacyRequest,
} from "./bindings/contract";
import { guard, unwrap } from "./ipc";

export type { AppInfo, DesktopSettings, PrivacyRequest };

/** This build's name, version and data folder. */
export function appInfo(): Promise<AppInfo> {
  return guard(commands.appInfo());
}

/** Opens the data folder in the system file manager. */
export async function openDataDir(): Promise<void> {
  await unwrap(commands.openDataDir());
}

/** Close to tray, start minimized, and whether the app launches at login. */
export function desktopSettings(): Promise<DesktopSettings> {
  return guard(commands.desktopSettings());
}

export function setDesktopSettings(settings: DesktopSettings): Promise<DesktopSettings> {
  return unwrap(commands.setDesktopSettings(settings));
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
      commands.uiReady(performance.now()).catch(() => {
        // Only a log line is lost.
      });
    }),
  );
}

/** Who saw what: the newest requests sent to outside services, newest first. */
export function privacyLog(limit = 100): Promise<PrivacyRequest[]> {
  return unwrap(commands.privacyLog(limit));
}
