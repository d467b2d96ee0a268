//! CSV import and export (design.md section 7). This build reads and writes the native format and
//! reads Koinly's universal template; other formats plug into the same pipeline: parse rows into
//! ledger legs, resolve coins, fingerprint, preview, then commit everything in one transaction as
//! one undo-able batch.
//!
//! - [`native`]: our own ledger and holdings CSV.
//! - [`koinly`]: Koinly's universal import template.
//! - [`delta`]: Delta's CSV.
//! - [`cell`]: spreadsheet formula injection, defused on export.
//! - [`read`]: a file into ledger legs, with line numbers.
//! - [`import`]: resolve, fingerprint, preview and commit.

pub mod cell;
pub mod delta;
pub mod import;
pub mod koinly;
pub mod native;
pub mod read;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ledger::EntryKind;
use crate::money::Amount;
use crate::store::StoreError;

/// The file layouts this build can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ImportFormat {
    Native,
    Koinly,
    Delta,
}

impl ImportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Native => "native",
            ImportFormat::Koinly => "koinly",
            ImportFormat::Delta => "delta",
        }
    }
}

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportWhat {
    Holdings,
    Ledger,
}

/// One row read from a file, before its coin is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    pub occurred_at: i64,
    pub account: Option<String>,
    /// A CoinGecko id or a symbol.
    pub coin: String,
    pub amount: Amount,
    pub kind: EntryKind,
    pub price: Option<(Decimal, String)>,
    pub note: Option<String>,
    /// A stable id from the source; without one the row's content is fingerprinted.
    pub id: Option<String>,
}

/// A value in a row that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub column: &'static str,
    pub reason: String,
}

/// A row that was read but not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SkippedRow {
    #[ts(type = "number")]
    pub line: u64,
    pub reason: String,
}

/// A symbol the file uses that no single coin answers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Unresolved {
    pub symbol: String,
    /// Coin ids it could mean (best ranked first); empty when nothing matches.
    pub candidates: Vec<String>,
}

/// The preview of an import, and after a commit what was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub format: ImportFormat,
    /// Data rows read (the header and blank lines not counted).
    #[ts(type = "number")]
    pub rows: u64,
    /// Entries written (a dry run: that would be written).
    #[ts(type = "number")]
    pub imported: u64,
    /// Rows already in the ledger (or twice in the file).
    #[ts(type = "number")]
    pub duplicates: u64,
    pub skipped: Vec<SkippedRow>,
    /// Net amount per coin id among the rows to import.
    #[ts(type = "Record<string, string>")]
    pub assets: BTreeMap<String, Amount>,
    pub unresolved: Vec<Unresolved>,
    /// The batch to undo (`crypto-balance undo ID`); `null` for a dry run or nothing written.
    #[ts(type = "number | null")]
    pub batch_id: Option<i64>,
    pub dry_run: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is empty: there is nothing to import")]
    Empty(PathBuf),
    #[error("{path}, line {line}: {reason}")]
    NotCsv {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{path}: the header ({header}) is not a layout this version knows (native, koinly, delta); the native layout starts with time,account,coin,amount,kind")]
    UnknownLayout { path: PathBuf, header: String },
    #[error("{path}, line {line}, column {column}: {reason}; nothing was imported")]
    Field {
        path: PathBuf,
        line: u64,
        column: &'static str,
        reason: String,
    },
    #[error("{path}: {} symbol(s) need a coin id: {}; add --map SYMBOL=ID for each, nothing was imported", .unresolved.len(), describe_unresolved(.unresolved))]
    Unresolved {
        path: PathBuf,
        unresolved: Vec<Unresolved>,
    },
    #[error("--map {0}: use SYMBOL=ID, e.g. --map BTC=bitcoin")]
    BadMapping(String),
    #[error("--map {symbol}={id}: no coin has the id '{id}'")]
    UnknownMappedCoin { symbol: String, id: String },
    #[error("{path}, line {line}: {reason}; nothing was imported")]
    Account {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn describe_unresolved(unresolved: &[Unresolved]) -> String {
    unresolved
        .iter()
        .map(|u| {
            if u.candidates.is_empty() {
                format!("{} (unknown)", u.symbol)
            } else {
                format!("{} (could be {})", u.symbol, u.candidates.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every ledger entry, oldest first, as the native export writes it.
pub async fn ledger_rows(
    store: &crate::store::Store,
) -> Result<Vec<native::LedgerRow>, StoreError> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.occurred_at, a.name, e.asset_id, e.amount, e.kind, e.price, e.price_currency, \
         e.note, e.source FROM entries e JOIN accounts a ON a.id = e.account_id \
         ORDER BY e.occurred_at, e.id",
    )
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    let corrupt = || StoreError::Corrupt(store.path().to_path_buf());
    rows.into_iter()
        .map(
            |(occurred_at, account, coin, amount, kind, price, currency, note, id)| {
                let kind = native::parse_kind(&kind).ok_or_else(corrupt)?;
                let price = match (price, currency) {
                    (Some(price), Some(currency)) => {
                        Some((price.parse().map_err(|_| corrupt())?, currency))
                    }
                    _ => None,
                };
                Ok(native::LedgerRow {
                    occurred_at,
                    account,
                    coin,
                    amount: amount.parse().map_err(|_| corrupt())?,
                    kind,
                    price,
                    note,
                    id,
                })
            },
        )
        .collect()
}
