// Core's events (crates/core/src/events.rs), bridged by src-tauri/src/events.rs. The UI re-reads
// what changed; payloads are hints.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { CycleReport } from "./bindings/CycleReport";
import type { FiredAlert } from "./bindings/FiredAlert";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { RekeyProgress } from "./bindings/RekeyProgress";
import type { SyncStatus } from "./bindings/SyncStatus";

export type { UnlistenFn };

export function onRatesUpdated(handler: (report: CycleReport) => void): Promise<UnlistenFn> {
  return listen<CycleReport>("rates-updated", (event) => handler(event.payload));
}

export function onSyncStatus(handler: (status: SyncStatus) => void): Promise<UnlistenFn> {
  return listen<SyncStatus>("sync-status", (event) => handler(event.payload));
}

export function onAlertFired(handler: (alert: FiredAlert) => void): Promise<UnlistenFn> {
  return listen<FiredAlert>("alert-fired", (event) => handler(event.payload));
}

/** Holdings or accounts changed (core publishes both; a screen of holdings shows accounts too). */
export async function onHoldingsChanged(handler: () => void): Promise<UnlistenFn> {
  const stops = await Promise.all([
    listen("holdings-changed", () => handler()),
    listen("accounts-changed", () => handler()),
  ]);
  return () => stops.forEach((stop) => stop());
}

export function onImportProgress(handler: (progress: ImportProgress) => void): Promise<UnlistenFn> {
  return listen<ImportProgress>("import-progress", (event) => handler(event.payload));
}

/** A change of passphrase re-encrypting the data: how far it is. */
export function onPassphraseProgress(
  handler: (progress: RekeyProgress) => void,
): Promise<UnlistenFn> {
  return listen<RekeyProgress>("passphrase-progress", (event) => handler(event.payload));
}

/** Listens to several events until the returned function is called (a component's teardown). */
export function listenAll(subscriptions: Array<Promise<UnlistenFn>>): () => void {
  let stopped = false;
  const unlisteners: UnlistenFn[] = [];
  for (const subscription of subscriptions) {
    subscription
      .then((unlisten) => (stopped ? unlisten() : unlisteners.push(unlisten)))
      .catch((reason: unknown) => {
        // The screen still works from explicit reads; say why it will not update by itself.
        console.error("cannot listen to backend events:", reason);
      });
  }
  return () => {
    stopped = true;
    unlisteners.forEach((unlisten) => unlisten());
  };
}
