// Core's events (crates/core/src/events.rs), bridged by src-tauri/src/events.rs under the names
// and payloads of the generated `Event` union. The UI re-reads what changed; payloads are hints.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  BackfillProgress,
  CycleReport,
  Event,
  FiredAlert,
  ImportProgress,
  RekeyProgress,
  ScanReport,
  SyncStatus,
} from "./bindings/contract";

export type { UnlistenFn };

type Name = Event["name"];
type Payload<N extends Name> = Extract<Event, { name: N }> extends { payload: infer P } ? P : null;

/** Listens to one of core's events, typed by the contract. */
function on<N extends Name>(name: N, handler: (payload: Payload<N>) => void): Promise<UnlistenFn> {
  return listen<Payload<N>>(name, (event) => handler(event.payload));
}

export function onRatesUpdated(handler: (report: CycleReport) => void): Promise<UnlistenFn> {
  return on("rates-updated", handler);
}

export function onSyncStatus(handler: (status: SyncStatus) => void): Promise<UnlistenFn> {
  return on("sync-status", handler);
}

export function onAlertFired(handler: (alert: FiredAlert) => void): Promise<UnlistenFn> {
  return on("alert-fired", handler);
}

/** Holdings or accounts changed (core publishes both; a screen of holdings shows accounts too). */
export async function onHoldingsChanged(handler: () => void): Promise<UnlistenFn> {
  const stops = await Promise.all([
    on("holdings-changed", () => handler()),
    on("accounts-changed", () => handler()),
  ]);
  return () => stops.forEach((stop) => stop());
}

/** A watched wallet's scan ended. */
export function onWalletScanned(handler: (report: ScanReport) => void): Promise<UnlistenFn> {
  return on("wallet-scanned", handler);
}

/** A backfill of daily prices made another call. */
export function onBackfillProgress(
  handler: (progress: BackfillProgress) => void,
): Promise<UnlistenFn> {
  return on("backfill-progress", handler);
}

export function onImportProgress(handler: (progress: ImportProgress) => void): Promise<UnlistenFn> {
  return on("import-progress", handler);
}

/** A change of passphrase re-encrypting the data: how far it is. */
export function onPassphraseProgress(
  handler: (progress: RekeyProgress) => void,
): Promise<UnlistenFn> {
  return on("passphrase-progress", handler);
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
