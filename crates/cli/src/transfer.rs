//! `import` and `export`.

use crypto_balance_core::numbers::NumberStyle;
use std::path::{Path, PathBuf};

use crypto_balance_core::transfer::import::{ImportControl, ImportOptions};
use crypto_balance_core::transfer::{
    ExportWhat, ImportPhase, ImportProgress, ImportReport, Unresolved,
};
use crypto_balance_core::{App, Error, ErrorReport};

use crate::output::{self, print_json, print_lines};

/// The import's options from the command line; a bad `--utc-offset` is refused before anything runs.
pub fn options(
    format: &str,
    account: Option<String>,
    maps: Vec<String>,
    columns: Vec<String>,
    utc_offset: Option<&str>,
    dry_run: bool,
) -> Result<ImportOptions, ErrorReport> {
    ImportOptions::from_text(format, account, &maps, &columns, utc_offset, dry_run)
        .map_err(|e| Error::from(e).report())
}

/// Imports with progress on a terminal's stderr; Ctrl-C cancels and writes nothing.
pub async fn import(
    app: &App,
    file: &Path,
    options: &ImportOptions,
    json: bool,
) -> Result<(), ErrorReport> {
    let control = ImportControl::with_progress(move |progress: ImportProgress| {
        let percent = (progress.bytes_done * 100)
            .checked_div(progress.bytes_total)
            .unwrap_or(100);
        let phase = match progress.phase {
            ImportPhase::Reading => "Reading",
            ImportPhase::Importing => "Importing",
        };
        output::progress_line(&format!("{phase}: {percent:>3}% ({} rows)", progress.rows));
    });
    let canceller = control.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            canceller.cancel();
        }
    });
    let result = app.import_with(file, options, &control).await;
    ctrl_c.abort();
    output::progress_done();
    let report = result?;
    if json {
        print_json(&report);
    } else {
        print_lines(&summary(&report));
    }
    Ok(())
}

fn summary(report: &ImportReport) -> Vec<String> {
    let mut lines = vec![format!(
        "{} ({}): {} rows read, {} {}, {} duplicates, {} skipped",
        if report.dry_run {
            "Preview"
        } else {
            "Imported"
        },
        report.format.label(),
        report.rows,
        report.imported,
        if report.dry_run {
            "to import"
        } else {
            "imported"
        },
        report.duplicates,
        report.skipped_count
    )];
    lines.extend(report.notes.iter().map(|note| format!("  Note: {note}")));
    lines.extend(
        report
            .skipped
            .iter()
            .map(|s| format!("  line {}: skipped, {}", s.line, s.reason)),
    );
    if report.skipped_count > report.skipped.len() as u64 {
        lines.push(format!(
            "  … and {} more skipped rows",
            report.skipped_count - report.skipped.len() as u64
        ));
    }
    for resolved in &report.resolved {
        let coin = report
            .coin_labels
            .get(&resolved.id)
            .map_or(resolved.id.as_str(), String::as_str);
        lines.push(format!("  {} is {coin}: {}", resolved.symbol, resolved.how));
    }
    let style = NumberStyle::system();
    for (coin, net) in &report.assets {
        let coin = report
            .coin_labels
            .get(coin)
            .map_or(coin.as_str(), String::as_str);
        lines.push(format!("  {coin}: {}", style.amount(net)));
    }
    for unresolved in &report.unresolved {
        lines.push(format!(
            "  {} needs a coin id{}: add --map {}=ID{}",
            unresolved.symbol,
            if unresolved.candidates.is_empty() {
                String::new()
            } else {
                format!(" (could be {})", unresolved.candidates.join(", "))
            },
            unresolved.symbol,
            waiting(unresolved),
        ));
    }
    if let Some(batch) = report.batch_id {
        lines.push(format!("Undo with: crypto-balance undo {batch}"));
    }
    lines
}

pub async fn export(app: &App, target: &str, what: &str, json: bool) -> Result<(), ErrorReport> {
    let what = if what == "holdings" {
        ExportWhat::Holdings
    } else {
        ExportWhat::Ledger
    };
    if target == "-" {
        let stdout = std::io::stdout().lock();
        return Ok(app.export(what, stdout, Path::new("stdout")).await?);
    }
    let path = PathBuf::from(target);
    app.export_to_file(what, &path).await?;
    crate::output::done(&format!("Exported to {}", path.display()), json);
    Ok(())
}

/// "; 2 entries wait on it (lines 2, 3)", or nothing when none does.
fn waiting(unresolved: &Unresolved) -> String {
    if unresolved.waiting == 0 {
        return String::new();
    }
    let lines: Vec<String> = unresolved
        .waiting_lines
        .iter()
        .map(u64::to_string)
        .collect();
    let more = if unresolved.waiting > unresolved.waiting_lines.len() as u64 {
        ", …"
    } else {
        ""
    };
    let entries = if unresolved.waiting == 1 {
        "entry waits"
    } else {
        "entries wait"
    };
    format!(
        "; {} {entries} on it (line{} {}{more})",
        unresolved.waiting,
        if lines.len() == 1 { "" } else { "s" },
        lines.join(", ")
    )
}
