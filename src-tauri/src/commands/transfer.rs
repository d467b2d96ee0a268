//! Commands for the import wizard and export: preview a file, import it (with `import-progress`
//! events and a cancel), export holdings or the ledger. Paths come from the system file dialog;
//! nothing is written on a preview or a cancelled import.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;

use crypto_balance_core::transfer::import::{ImportControl, ImportOptions};
use crypto_balance_core::transfer::{ExportWhat, ImportReport};
use crypto_balance_core::{App, ErrorReport};
use tauri::State;

/// The import (or preview) running now, so `cancel_import` can stop it.
#[derive(Debug, Default)]
pub struct RunningImport(Mutex<Option<ImportControl>>);

impl RunningImport {
    fn start(&self) -> ImportControl {
        // Core publishes the import's progress as events itself.
        let control = ImportControl::default();
        if let Ok(mut running) = self.0.lock() {
            *running = Some(control.clone());
        }
        control
    }

    fn finish(&self) {
        if let Ok(mut running) = self.0.lock() {
            *running = None;
        }
    }

    /// Runs one preview (`dry_run`) or import as the running one, so `cancel_import` reaches it.
    async fn run(
        &self,
        app: &App,
        path: &Path,
        choices: Option<ImportOptions>,
        dry_run: bool,
    ) -> Result<ImportReport, crypto_balance_core::Error> {
        let options = ImportOptions {
            dry_run,
            ..choices.unwrap_or_default()
        };
        let control = self.start();
        let result = app.import_with(path, &options, &control).await;
        self.finish();
        result
    }
}

/// What importing `path` would do: rows, duplicates, skipped rows, net amounts, unresolved symbols.
#[tauri::command]
#[specta::specta]
pub async fn preview_import(
    app: State<'_, Arc<App>>,
    running: State<'_, RunningImport>,
    path: PathBuf,
    choices: Option<ImportOptions>,
) -> Result<ImportReport, ErrorReport> {
    Ok(running.run(&app, &path, choices, true).await?)
}

/// Imports `path` in one transaction as one undo-able change.
#[tauri::command]
#[specta::specta]
pub async fn import_csv(
    app: State<'_, Arc<App>>,
    running: State<'_, RunningImport>,
    path: PathBuf,
    choices: Option<ImportOptions>,
) -> Result<ImportReport, ErrorReport> {
    Ok(running.run(&app, &path, choices, false).await?)
}

/// Stops the running import or preview; it rolls back and reports that it was cancelled.
#[tauri::command]
#[specta::specta]
pub fn cancel_import(running: State<'_, RunningImport>) {
    if let Ok(running) = running.0.lock() {
        if let Some(control) = running.as_ref() {
            control.cancel();
        }
    }
}

core_commands! {
    /// Writes holdings or the ledger as native CSV to `path` (replaced whole, never half-written).
    fn export_csv(app: App, path: PathBuf, what: ExportWhat) -> () =
        app.export_to_file(what, &path);
}
