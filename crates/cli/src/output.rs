//! Everything the CLI prints: human text, or JSON with `--json`. Output goes through here so the
//! two forms never drift apart.

use std::io::Write;

use crypto_balance_core::app::UnlockOutcome;
use crypto_balance_core::assets::coin_label;
use crypto_balance_core::holdings::{Holding, HoldingChange};
use crypto_balance_core::ids::BatchId;
use crypto_balance_core::numbers::NumberStyle;
use crypto_balance_core::{App, AppInfo, ErrorReport};
use serde::Serialize;
use serde_json::json;

pub fn info(info: &AppInfo, json: bool) {
    if json {
        print_json(info);
    } else {
        print_lines(&[
            format!("{} {}", info.name, info.version),
            format!("data folder: {}", info.data_dir),
        ]);
    }
}

pub fn created(app: &App, outcome: &UnlockOutcome, json: bool) {
    let keychain = !app.app_lock().unwrap_or(true);
    if json {
        print_json(&json!({
            "data_dir": app.data_dir().to_string(),
            "created": true,
            "keychain": keychain,
            "keychain_notice": outcome.keychain_notice,
        }));
        return;
    }
    let mut lines = vec![format!("Created an encrypted vault in {}", app.data_dir())];
    match &outcome.keychain_notice {
        Some(notice) => lines.push(notice.clone()),
        None if keychain => lines.push(
            "The key is in the system keychain; keep the recovery passphrase somewhere safe."
                .into(),
        ),
        None => lines
            .push("The key is not kept in a keychain: the passphrase is needed every time.".into()),
    }
    print_lines(&lines);
}

pub fn changed(verb: &str, change: &HoldingChange, json: bool) {
    if change.looked_up {
        // Said on stderr, so scripts reading stdout see the same line either way.
        eprintln!(
            "Looked up '{}' on CoinGecko: the local coin catalog did not have it yet.",
            change.coin
        );
    }
    if json {
        print_json(change);
    } else {
        print_lines(&[format!(
            "{verb}: {} in {} is now {}",
            change.coin, change.account, change.amount
        )]);
    }
}

pub fn removed(change: &HoldingChange, json: bool) {
    if json {
        print_json(change);
    } else {
        print_lines(&[format!(
            "Removed {} from {}. Undo with: crypto-balance undo {}",
            change.coin, change.account, change.batch_id
        )]);
    }
}

/// A one-line confirmation; with `--json`, `{ "ok": true, "message": … }`.
pub fn done(message: &str, json: bool) {
    if json {
        print_json(&json!({ "ok": true, "message": message }));
    } else {
        print_lines(&[message.to_owned()]);
    }
}

pub fn undone(id: BatchId, json: bool) {
    if json {
        print_json(&json!({ "undone": id }));
    } else {
        print_lines(&[format!("Undone: change {id}")]);
    }
}

pub fn holdings(holdings: &[Holding], json: bool) {
    if json {
        print_json(&holdings);
        return;
    }
    if holdings.is_empty() {
        print_lines(&[
            "No holdings yet. Add one with: crypto-balance holdings add --coin btc --amount 0.5"
                .into(),
        ]);
        return;
    }
    let style = NumberStyle::system();
    let rows: Vec<Vec<String>> = holdings
        .iter()
        .map(|h| {
            let cost = match (&h.average_cost, &h.cost_currency) {
                (Some(cost), Some(currency)) => style.money(cost, currency),
                _ => "-".into(),
            };
            vec![
                h.account.clone(),
                coin_label(&h.name, &h.symbol),
                style.amount(h.amount),
                cost,
            ]
        })
        .collect();
    table(&["ACCOUNT", "COIN", "AMOUNT", "AVG COST"], &rows, &[2]);
}

/// Prints aligned columns; `right` lists the columns aligned right (numbers).
/// A price or value in the one number format, or "-" when there is none.
pub fn money(value: Option<rust_decimal::Decimal>) -> String {
    value.map_or_else(|| "-".into(), |v| NumberStyle::system().money_number(v))
}

/// The UTC day of `at`: "2024-03-01".
pub fn day(at: crypto_balance_core::clock::UnixTime) -> String {
    at.to_string().chars().take(10).collect()
}

pub fn table(header: &[&str], rows: &[Vec<String>], right: &[usize]) {
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .chain(std::iter::once(&header))
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &Vec<String>| {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, &width))| {
                if right.contains(&i) {
                    format!("{cell:>width$}")
                } else {
                    format!("{cell:<width$}")
                }
            })
            .collect();
        cells.join("  ").trim_end().to_owned()
    };
    let mut lines = vec![line(&header)];
    lines.extend(rows.iter().map(line));
    print_lines(&lines);
}

/// Reports a failure: one line on stderr, plus the `{ code, message }` report on stdout with `--json`.
pub fn failure(report: &ErrorReport, json: bool) {
    if json {
        print_json(report);
    }
    let _ = writeln!(std::io::stderr(), "error: {}", report.message);
}

pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => print_lines(&[text]),
        // Our output types serialize infallibly (strings and derived structs); say so if not.
        Err(error) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot write JSON output: {error}"
            );
        }
    }
}

/// Writes lines to stdout, ignoring a closed pipe (`crypto-balance … | head`).
pub fn print_lines(lines: &[String]) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
}

/// Draws `text` in place of the last progress line on stderr, only for a person at a terminal.
pub fn progress_line(text: &str) {
    use std::io::{IsTerminal, Write};
    let mut stderr = std::io::stderr();
    if stderr.is_terminal() {
        let _ = write!(stderr, "\r\x1b[2K{text}");
        let _ = stderr.flush();
    }
}

/// Clears the progress line, if one was drawn.
pub fn progress_done() {
    progress_line("");
}

/// How far a change of passphrase's re-encryption is.
pub fn rekey_progress(progress: crypto_balance_core::backup::RekeyProgress) {
    use crypto_balance_core::backup::RekeyPhase;
    let what = match progress.phase {
        RekeyPhase::Copying => {
            let percent = (progress.bytes_done * 100)
                .checked_div(progress.bytes_total)
                .unwrap_or(0);
            format!("Re-encrypting your data: {percent}%")
        }
        RekeyPhase::Checking => "Checking the re-encrypted copy".to_owned(),
        RekeyPhase::Swapping => "Putting it in place".to_owned(),
    };
    progress_line(&what);
}

/// Who saw what: one line per request, newest first.
pub fn privacy_log(log: &[crypto_balance_core::privacy::Request], json: bool) {
    if json {
        return print_json(&log);
    }
    if log.is_empty() {
        return print_lines(&["Nothing has been sent to an outside service yet.".into()]);
    }
    let rows: Vec<Vec<String>> = log
        .iter()
        .map(|r| {
            vec![
                crypto_balance_core::clock::iso8601(r.at.seconds()),
                r.provider.clone(),
                r.outcome.clone(),
                r.asked.clone(),
            ]
        })
        .collect();
    table(&["AT", "WHO", "OUTCOME", "WHAT WAS ASKED"], &rows, &[]);
}
