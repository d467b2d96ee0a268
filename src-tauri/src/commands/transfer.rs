//! Commands for the import wizard and export: preview a file, import it, export holdings or the
//! ledger. Paths come from the system file dialog; nothing is written on a preview.

use std::path::PathBuf;

use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::transfer::{ExportWhat, ImportFormat, ImportReport};
use crypto_balance_core::{App, ErrorReport};
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::events::HOLDINGS_CHANGED;

fn options(
    format: Option<ImportFormat>,
    account: Option<String>,
    maps: Vec<String>,
    dry_run: bool,
) -> ImportOptions {
    ImportOptions {
        format,
        account,
        maps,
        dry_run,
    }
}

/// What importing `path` would do: rows, duplicates, net amounts, unresolved symbols.
#[tauri::command]
pub async fn preview_import(
    app: State<'_, App>,
    path: PathBuf,
    format: Option<ImportFormat>,
    account: Option<String>,
    maps: Vec<String>,
) -> Result<ImportReport, ErrorReport> {
    let options = options(format, account, maps, true);
    Ok(app.import(&path, &options).await?)
}

/// Imports `path` in one transaction as one undo-able change.
#[tauri::command]
pub async fn import_csv<R: Runtime>(
    handle: AppHandle<R>,
    app: State<'_, App>,
    path: PathBuf,
    format: Option<ImportFormat>,
    account: Option<String>,
    maps: Vec<String>,
) -> Result<ImportReport, ErrorReport> {
    let options = options(format, account, maps, false);
    let report = app.import(&path, &options).await?;
    if report.batch_id.is_some() {
        let _ = handle.emit(HOLDINGS_CHANGED, ());
    }
    Ok(report)
}

/// Writes holdings or the ledger as native CSV to `path` (replaced whole, never half-written).
#[tauri::command]
pub async fn export_csv(
    app: State<'_, App>,
    path: PathBuf,
    what: ExportWhat,
) -> Result<(), ErrorReport> {
    Ok(app.export_to_file(what, &path).await?)
}
