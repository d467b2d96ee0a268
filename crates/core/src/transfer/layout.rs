//! What every importer implements: recognise its header, turn each data row into ledger legs (or a
//! reason to skip it), and flush anything it held back (legs waiting for their partner) at the
//! end. Importers see cells through [`Cells`], which reads numbers and times the way the file
//! writes them, and find columns by name through [`Header`], so extra or reordered columns in
//! newer exports do not break them.

use rust_decimal::Decimal;

use super::dates::parse_time;
use super::number::{self, NumberStyle};
use super::{FieldError, ImportFormat, ParsedRow};
use crate::money::Amount;

/// What an importer produces: a leg to import (with the line it came from) or a skipped row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    Leg(u64, ParsedRow),
    Skip(u64, String),
}

/// What the importer is told about the file besides its header.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub file_name: String,
    /// The zone (seconds east of UTC) of times written without one; `None`: UTC or the file's own.
    pub utc_offset: Option<i64>,
    /// The generic importer's `FIELD=Column` choices.
    pub columns: super::generic::ColumnMap,
}

pub trait Layout: Send {
    fn format(&self) -> ImportFormat;
    /// Reads one data row into `out`.
    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError>;
    /// Called once after the last row.
    fn finish(&mut self, _out: &mut Vec<Out>) {}
    /// The account for legs that name none when the user chose none (e.g. "Kraken").
    fn account(&self) -> Option<&'static str> {
        None
    }
    /// What the preview should tell the person (e.g. which timezone times were read in).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    /// Our own format: every row has exactly the header's columns.
    fn exact_width(&self) -> bool {
        false
    }
}

/// A header's column names, trimmed and lower-cased for matching.
#[derive(Debug, Clone)]
pub struct Header {
    names: Vec<String>,
}

impl Header {
    pub fn new(fields: &[&str]) -> Self {
        Header {
            names: fields
                .iter()
                .map(|f| f.trim().trim_matches('"').to_lowercase())
                .collect(),
        }
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The first column called `name` (any case).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }

    /// The first column with any of these names.
    pub fn find_any(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| self.find(name))
    }

    /// The first column whose name passes `test`.
    pub fn find_by(&self, test: impl Fn(&str) -> bool) -> Option<usize> {
        self.names.iter().position(|n| test(n))
    }

    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|name| self.find(name).is_some())
    }
}

/// One data row's cells.
#[derive(Debug)]
pub struct Cells<'a> {
    fields: &'a [&'a str],
    pub style: NumberStyle,
}

impl<'a> Cells<'a> {
    pub fn new(fields: &'a [&'a str], style: NumberStyle) -> Self {
        Cells { fields, style }
    }

    pub fn fields(&self) -> &'a [&'a str] {
        self.fields
    }

    /// The trimmed text of a column; empty when the row is short or the column absent.
    pub fn get(&self, column: Option<usize>) -> &'a str {
        column
            .and_then(|i| self.fields.get(i))
            .map_or("", |f| f.trim())
    }

    /// A column's text, `None` when empty.
    pub fn text(&self, column: Option<usize>) -> Option<String> {
        Some(self.get(column).to_owned()).filter(|t| !t.is_empty())
    }

    /// An amount that must be there.
    pub fn amount(&self, column: Option<usize>, name: &'static str) -> Result<Amount, FieldError> {
        self.optional_amount(column, name)?
            .ok_or_else(|| error(name, "the amount is empty"))
    }

    /// An amount, or `None` for an empty cell or a placeholder (`-`).
    pub fn optional_amount(
        &self,
        column: Option<usize>,
        name: &'static str,
    ) -> Result<Option<Amount>, FieldError> {
        match self.get(column) {
            "" | "-" | "--" => Ok(None),
            text => number::amount(text, self.style)
                .map(Some)
                .map_err(|reason| FieldError {
                    column: name,
                    reason,
                }),
        }
    }

    /// A decimal (a price, a value), or `None` for an empty cell.
    pub fn optional_decimal(
        &self,
        column: Option<usize>,
        name: &'static str,
    ) -> Result<Option<Decimal>, FieldError> {
        match self.get(column) {
            "" | "-" | "--" => Ok(None),
            text => number::decimal(text, self.style)
                .map(Some)
                .map_err(|reason| FieldError {
                    column: name,
                    reason,
                }),
        }
    }

    /// A time; one without a zone is read in `offset` (seconds east of UTC).
    pub fn time(
        &self,
        column: Option<usize>,
        name: &'static str,
        offset: i64,
    ) -> Result<i64, FieldError> {
        let text = self.get(column);
        parse_time(text, offset).ok_or_else(|| FieldError {
            column: name,
            reason: if text.is_empty() {
                "the date is empty".to_owned()
            } else if text.contains('/') {
                format!("'{text}' is not a date this importer reads; slashed dates are read month first (M/D/YYYY)")
            } else {
                format!("'{text}' is not a date like 2024-01-02 13:45:10")
            },
        })
    }
}

pub fn error(column: &'static str, reason: impl Into<String>) -> FieldError {
    FieldError {
        column,
        reason: reason.into(),
    }
}

/// A leg with no price, note or id yet.
pub fn leg(
    occurred_at: i64,
    coin: &str,
    amount: Amount,
    kind: crate::ledger::EntryKind,
) -> ParsedRow {
    ParsedRow {
        occurred_at,
        account: None,
        coin: coin.trim().to_owned(),
        amount,
        kind,
        price: None,
        note: None,
        id: None,
        link: None,
    }
}

/// The non-empty texts joined by a space, as one note; `None` when every text is empty.
pub fn joined_note(texts: &[&str]) -> Option<String> {
    let note = texts
        .iter()
        .filter(|t| !t.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    (!note.is_empty()).then_some(note)
}

/// The amount made negative (an outflow), whatever sign the file wrote.
pub fn outflow(amount: Amount) -> Amount {
    if amount.is_negative() {
        amount
    } else {
        amount.checked_neg().unwrap_or(amount)
    }
}

/// The amount made positive (an inflow), whatever sign the file wrote.
pub fn inflow(amount: Amount) -> Amount {
    if amount.is_negative() {
        amount.checked_neg().unwrap_or(amount)
    } else {
        amount
    }
}

/// Prices the two sides of a trade in each other, in either order: what was received cost
/// `|given| / received` of the given currency, and the reverse. Legs moving the same way are not
/// a trade and stay unpriced. Fiat legs lose their price later, when the import knows which
/// coins are fiat.
pub fn price_each_other(a: &mut ParsedRow, b: &mut ParsedRow) {
    if a.amount.is_negative() == b.amount.is_negative() {
        return;
    }
    let (received, given) = if a.amount.is_negative() {
        (b, a)
    } else {
        (a, b)
    };
    let (got, gave) = (
        received.amount.to_decimal(),
        given.amount.to_decimal().abs(),
    );
    if got.is_zero() || gave.is_zero() {
        return;
    }
    if let Some(unit) = gave.checked_div(got) {
        received.price = Some((unit.normalize(), given.coin.clone()));
    }
    if let Some(unit) = got.checked_div(gave) {
        given.price = Some((unit.normalize(), received.coin.clone()));
    }
}
