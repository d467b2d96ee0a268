//! `import` and `export`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::transfer::{ExportWhat, ImportFormat, ImportReport};
use crypto_balance_core::{App, ErrorCode, ErrorReport};

use crate::output::{print_json, print_lines};

pub async fn import(
    app: &App,
    file: &Path,
    format: &str,
    account: Option<String>,
    maps: Vec<String>,
    dry_run: bool,
    json: bool,
) -> Result<(), ErrorReport> {
    let options = ImportOptions {
        format: match format {
            "native" => Some(ImportFormat::Native),
            "koinly" => Some(ImportFormat::Koinly),
            "delta" => Some(ImportFormat::Delta),
            _ => None,
        },
        account,
        maps,
        dry_run,
    };
    let report = app.import(file, &options).await?;
    if json {
        print_json(&report);
    } else {
        print_lines(&summary(&report));
    }
    Ok(())
}

fn summary(report: &ImportReport) -> Vec<String> {
    let mut lines = vec![format!(
        "{} ({} format): {} rows read, {} {}, {} duplicates, {} skipped",
        if report.dry_run {
            "Preview"
        } else {
            "Imported"
        },
        report.format.as_str(),
        report.rows,
        report.imported,
        if report.dry_run {
            "to import"
        } else {
            "imported"
        },
        report.duplicates,
        report.skipped.len()
    )];
    lines.extend(
        report
            .skipped
            .iter()
            .map(|s| format!("  line {}: {}", s.line, s.reason)),
    );
    for (coin, net) in &report.assets {
        lines.push(format!("  {coin}: {net}"));
    }
    for unresolved in &report.unresolved {
        lines.push(format!(
            "  {} needs a coin id{}: add --map {}=ID",
            unresolved.symbol,
            if unresolved.candidates.is_empty() {
                String::new()
            } else {
                format!(" (could be {})", unresolved.candidates.join(", "))
            },
            unresolved.symbol
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
    // Written beside the target and renamed over it, so a failed export leaves no half file.
    let path = PathBuf::from(target);
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let write_error = |e: std::io::Error| ErrorReport {
        code: ErrorCode::Storage,
        message: format!("cannot write {}: {e}", path.display()),
    };
    let mut temp = tempfile::NamedTempFile::new_in(folder).map_err(write_error)?;
    app.export(what, temp.as_file_mut(), &path).await?;
    temp.as_file_mut().flush().map_err(write_error)?;
    temp.persist(&path).map_err(|e| write_error(e.error))?;
    crate::output::done(&format!("Exported to {}", path.display()), json);
    Ok(())
}
