//! `import` and `export`.

use std::path::{Path, PathBuf};

use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::transfer::{ExportWhat, ImportFormat, ImportReport};
use crypto_balance_core::{App, ErrorReport};

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
    let path = PathBuf::from(target);
    app.export_to_file(what, &path).await?;
    crate::output::done(&format!("Exported to {}", path.display()), json);
    Ok(())
}
