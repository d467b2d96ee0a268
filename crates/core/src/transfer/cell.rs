//! Spreadsheet formula injection: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is run as a formula by Excel, LibreOffice and Sheets. Export prefixes such cells with `'`
//! (shown as text); import of our own format takes the prefix off again, so round trips are exact.
//! Numbers are never touched: they are validated decimals, not formulas.

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell safe to open in a spreadsheet.
pub fn neutralize(text: &str) -> String {
    match text.chars().next() {
        Some(first) if TRIGGERS.contains(&first) || (first == '\'' && is_neutralized(text)) => {
            format!("'{text}")
        }
        _ => text.to_owned(),
    }
}

/// The original text of a cell written by [`neutralize`].
pub fn restore(text: &str) -> &str {
    if is_neutralized(text) {
        &text[1..]
    } else {
        text
    }
}

fn is_neutralized(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next() == Some('\'')
        && chars
            .next()
            .is_some_and(|c| TRIGGERS.contains(&c) || c == '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_restored() {
        for text in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "'=already",
            "plain",
            "",
            "'quoted",
        ] {
            let safe = neutralize(text);
            assert!(!safe.starts_with(TRIGGERS), "{safe}");
            assert_eq!(restore(&safe), text, "{text}");
        }
        assert_eq!(neutralize("Kraken"), "Kraken");
    }
}
