// The import wizard and export (src-tauri/src/commands/transfer.rs). Paths come from the system
// file dialog (dialogs.ts); a preview writes nothing.
import {
  commands,
  type ExportWhat,
  type ImportFormat,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  type Unresolved,
} from "./bindings/contract";

/** What the wizard chose beside the file; every field may be left out. */
type ImportChoices = ImportOptions;
import { guard, unwrap } from "./ipc";

export type { ExportWhat, ImportChoices, ImportFormat, ImportProgress, ImportReport, Unresolved };

export function previewImport(path: string, choices: ImportChoices): Promise<ImportReport> {
  return unwrap(commands.previewImport(path, choices));
}

export function importCsv(path: string, choices: ImportChoices): Promise<ImportReport> {
  return unwrap(commands.importCsv(path, choices));
}

/** Stops the running preview or import; it rolls back and fails with code `cancelled`. */
export async function cancelImport(): Promise<void> {
  await guard(commands.cancelImport());
}

export async function exportCsv(path: string, what: ExportWhat): Promise<void> {
  await unwrap(commands.exportCsv(path, what));
}
