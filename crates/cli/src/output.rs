//! Everything the CLI prints: human text, or JSON with `--json`. Output goes through here so the
//! two forms never drift apart.

use std::io::Write;

use crypto_balance_core::{AppInfo, Error};
use serde::Serialize;

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

/// Reports a failure: one line on stderr, plus the `{ code, message }` report on stdout with `--json`.
pub fn failure(error: &Error, json: bool) {
    if json {
        print_json(&error.report());
    }
    let _ = writeln!(std::io::stderr(), "error: {error}");
}

fn print_json<T: Serialize>(value: &T) {
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
fn print_lines(lines: &[String]) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
}
