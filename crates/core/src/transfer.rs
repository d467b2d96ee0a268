//! CSV import and export (design.md section 7): our native format, the exports of Coinbase,
//! Kraken, Binance, CoinTracking, Koinly, Delta and CoinStats, and any other CSV whose columns the
//! person names. Every importer turns rows into ledger legs; the pipeline then resolves coins,
//! fingerprints each leg, previews, and commits everything in one transaction as one undo-able
//! batch, streaming the file so memory stays flat however long it is.
//!
//! - [`read`]: a file into rows (preamble, BOM, separator, layout detection, line numbers).
//! - [`layout`]: what an importer implements; [`formats`]: which importer reads a file.
//! - [`number`], [`dates`]: numbers and times as exchanges write them.
//! - [`native`], [`coinbase`], [`kraken`], [`binance`], [`cointracking`], [`koinly`], [`delta`],
//!   [`coinstats`], [`generic`]: the importers.
//! - [`resolve`]: which coin each symbol means, and how that was decided.
//! - [`import`]: fingerprint, preview and commit, with progress and cancel.
//! - [`cell`]: spreadsheet formula injection, defused on export.

pub mod binance;
pub mod cell;
pub mod coinbase;
pub mod coinstats;
pub mod cointracking;
pub mod dates;
pub mod delta;
pub mod formats;
pub mod generic;
pub mod import;
pub mod koinly;
pub mod kraken;
pub mod layout;
pub mod native;
pub mod number;
pub mod read;
pub mod resolve;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::coin::CoinId;
use crate::ids::BatchId;
use crate::ledger::EntryKind;
use crate::money::Amount;
use crate::store::StoreError;

/// The file layouts this build can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ImportFormat {
    Native,
    Coinbase,
    KrakenLedgers,
    KrakenTrades,
    Binance,
    BinanceTrades,
    Cointracking,
    Koinly,
    Delta,
    Coinstats,
    Generic,
}

impl ImportFormat {
    pub const ALL: [ImportFormat; 11] = [
        ImportFormat::Native,
        ImportFormat::Coinbase,
        ImportFormat::KrakenLedgers,
        ImportFormat::KrakenTrades,
        ImportFormat::Binance,
        ImportFormat::BinanceTrades,
        ImportFormat::Cointracking,
        ImportFormat::Koinly,
        ImportFormat::Delta,
        ImportFormat::Coinstats,
        ImportFormat::Generic,
    ];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Native => "native",
            ImportFormat::Coinbase => "coinbase",
            ImportFormat::KrakenLedgers => "kraken-ledgers",
            ImportFormat::KrakenTrades => "kraken-trades",
            ImportFormat::Binance => "binance",
            ImportFormat::BinanceTrades => "binance-trades",
            ImportFormat::Cointracking => "cointracking",
            ImportFormat::Koinly => "koinly",
            ImportFormat::Delta => "delta",
            ImportFormat::Coinstats => "coinstats",
            ImportFormat::Generic => "generic",
        }
    }

    /// The name people know the source by.
    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::Native => "Crypto Balance",
            ImportFormat::Coinbase => "Coinbase transaction history",
            ImportFormat::KrakenLedgers => "Kraken ledgers",
            ImportFormat::KrakenTrades => "Kraken trades",
            ImportFormat::Binance => "Binance transaction history",
            ImportFormat::BinanceTrades => "Binance spot trade history",
            ImportFormat::Cointracking => "CoinTracking trade list",
            ImportFormat::Koinly => "Koinly universal",
            ImportFormat::Delta => "Delta",
            ImportFormat::Coinstats => "CoinStats",
            ImportFormat::Generic => "generic (your columns)",
        }
    }

    pub fn parse(text: &str) -> Option<ImportFormat> {
        ImportFormat::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
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
    /// What another export of the same exchange calls this leg too (Kraken's ledgers and trades
    /// both name a trade by its id): a leg whose link is in the ledger already is a duplicate.
    pub link: Option<String>,
}

/// A value in a row that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub column: &'static str,
    pub reason: String,
}

/// A row that was read but not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct SkippedRow {
    pub line: u64,
    pub reason: String,
}

/// A symbol the file uses that no single coin answers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct Unresolved {
    pub symbol: String,
    /// Coin ids it could mean (best ranked first); empty when nothing matches.
    pub candidates: Vec<CoinId>,
    /// How many of the file's entries wait on this symbol (a preview counts them once answered).
    pub waiting: u64,
    /// The lines of the first 20 of them.
    pub waiting_lines: Vec<u64>,
}

/// Lines an [`Unresolved`] symbol lists, at most.
pub const WAITING_LINES: usize = 20;

impl Unresolved {
    /// Notes one more entry, on `line`, that waits on this symbol.
    pub(crate) fn wait(&mut self, line: u64) {
        self.waiting += 1;
        if self.waiting_lines.len() < WAITING_LINES && self.waiting_lines.last() != Some(&line) {
            self.waiting_lines.push(line);
        }
    }
}

/// A symbol the file uses and the coin it was taken to mean, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct ResolvedSymbol {
    pub symbol: String,
    pub id: CoinId,
    /// e.g. "the only top-250 coin with this symbol (rank 5; 2 smaller coin(s) share it)".
    pub how: String,
}

/// The preview of an import, and after a commit what was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct ImportReport {
    pub format: ImportFormat,
    /// Data rows read (the header and blank lines not counted).
    pub rows: u64,
    /// Entries written (a dry run: that would be written).
    pub imported: u64,
    /// Rows already in the ledger (or twice in the file).
    pub duplicates: u64,
    /// The first 1,000 skipped rows.
    pub skipped: Vec<SkippedRow>,
    /// How many rows were skipped in all.
    pub skipped_count: u64,
    /// Net amount per coin id among the rows to import.
    pub assets: BTreeMap<CoinId, Amount>,
    /// Each of those coins, of the candidates and of the symbols read, for people:
    /// "Bitcoin (BTC)".
    pub coin_labels: BTreeMap<CoinId, String>,
    pub unresolved: Vec<Unresolved>,
    /// How each symbol that is not already a coin id was resolved.
    pub resolved: Vec<ResolvedSymbol>,
    /// The batch to undo (`crypto-balance undo ID`); `null` for a dry run or nothing written.
    pub batch_id: Option<BatchId>,
    pub dry_run: bool,
    /// What the person should know about how the file was read (e.g. the timezone assumed).
    pub notes: Vec<String>,
}

/// Where a long import is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
pub struct ImportProgress {
    /// `reading` checks the whole file first; `importing` writes (or, in a preview, counts).
    pub phase: ImportPhase,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub rows: u64,
}

/// What an import's progress is of: a preview checking the file, or an import writing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportPhase {
    Reading,
    Importing,
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
    #[error("{}", describe_unknown_layout(.path, .header, *.wanted))]
    UnknownLayout {
        path: PathBuf,
        header: String,
        wanted: Option<ImportFormat>,
    },
    #[error("--column {given}: {reason}")]
    BadColumn { given: String, reason: String },
    #[error("the import of {0} was cancelled; nothing was imported")]
    Cancelled(PathBuf),
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
    #[error("--utc-offset {0}: use a zone like +02:00, -06:00 or UTC")]
    BadZone(String),
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

fn describe_unknown_layout(
    path: &std::path::Path,
    header: &str,
    wanted: Option<ImportFormat>,
) -> String {
    let path = path.display();
    match wanted {
        Some(ImportFormat::Generic) => format!(
            "{path}: none of the first 20 lines has every column you named (the first line is: {header}); check the --column names"
        ),
        Some(format) => format!(
            "{path}: no {} header in the first 20 lines (the first line is: {header}); choose another format or auto-detection",
            format.label()
        ),
        None => format!(
            "{path}: the header ({header}) is not a layout this version knows (Coinbase, Kraken ledgers or trades, Binance history or trades, CoinTracking, Koinly, Delta, CoinStats, or our own time,account,coin,amount,kind,…); name the columns with --format generic --column time=… --column coin=… --column amount=…"
        ),
    }
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

/// Which ledger entries [`ledger_rows`] reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct LedgerQuery<'a> {
    /// Only this coin's entries.
    pub coin: Option<&'a str>,
    /// Only the newest this many, newest first (else all, oldest first).
    pub newest: Option<u32>,
}

/// Ledger entries as the native export writes them.
pub async fn ledger_rows(
    store: &crate::store::Store,
    query: LedgerQuery<'_>,
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
    let order = match query.newest {
        Some(_) => "ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?2",
        None => "ORDER BY e.occurred_at, e.id",
    };
    let sql = format!(
        "SELECT e.occurred_at, a.name, e.asset_id, e.amount, e.kind, e.price, e.price_currency, \
         e.note, e.source FROM entries e JOIN accounts a ON a.id = e.account_id \
         WHERE ?1 IS NULL OR e.asset_id = ?1 {order}"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(query.coin)
        .bind(query.newest)
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
