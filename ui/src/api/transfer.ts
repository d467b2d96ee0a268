// The import wizard and export (src-tauri/src/commands/transfer.rs). Paths come from the system
// file dialog; a preview writes nothing.
import type { ExportWhat } from "./bindings/ExportWhat";
import type { ImportFormat } from "./bindings/ImportFormat";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import { call } from "./ipc";

export type { ExportWhat, ImportFormat, ImportProgress, ImportReport };

/** What the wizard chose beside the file; every field may be left out. */
export interface ImportChoices {
  format?: ImportFormat;
  account?: string;
  /** `SYMBOL=coin-id` answers for unresolved symbols. */
  maps?: string[];
  /** Seconds east of UTC for times written without a zone. */
  utcOffset?: number;
}

export function previewImport(path: string, choices: ImportChoices): Promise<ImportReport> {
  return call<ImportReport>("preview_import", { path, choices });
}

export function importCsv(path: string, choices: ImportChoices): Promise<ImportReport> {
  return call<ImportReport>("import_csv", { path, choices });
}

/** Stops the running preview or import; it rolls back and fails with code `cancelled`. */
export async function cancelImport(): Promise<void> {
  await call<null>("cancel_import");
}

export async function exportCsv(path: string, what: ExportWhat): Promise<void> {
  await call<null>("export_csv", { path, what });
}
