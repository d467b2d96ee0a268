// The system's file dialogs, for the files the app reads and writes: each answers a path, or null
// when the person cancels.
import { open, save } from "@tauri-apps/plugin-dialog";
import { guard } from "./ipc";

const CSV = { name: "CSV files", extensions: ["csv"] };
const CSV_TO_READ = { name: "CSV files", extensions: ["csv", "txt"] };
const BACKUP = { name: "Crypto Balance backup", extensions: ["cbbackup"] };

async function pickOne(filter: { name: string; extensions: string[] }): Promise<string | null> {
  const picked = await guard(open({ multiple: false, directory: false, filters: [filter] }));
  return typeof picked === "string" ? picked : null;
}

/** A CSV export to import. */
export function pickCsvToImport(): Promise<string | null> {
  return pickOne(CSV_TO_READ);
}

/** A backup to restore. */
export function pickBackup(): Promise<string | null> {
  return pickOne(BACKUP);
}

/** Where to write a CSV export, starting from `suggested`. */
export function pickCsvDestination(suggested: string): Promise<string | null> {
  return guard(save({ defaultPath: suggested, filters: [CSV] }));
}

/** Where to write a backup, starting from `suggested`. */
export function pickBackupDestination(suggested: string): Promise<string | null> {
  return guard(save({ defaultPath: suggested, filters: [BACKUP] }));
}
