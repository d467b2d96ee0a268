//! The import pipeline, one streamed pass so memory stays flat however long the file is: a
//! thread reads, checks and fingerprints the rows a batch ahead, while each batch's coins are
//! resolved as the file first names them (never guessed), duplicates counted, and the rest written
//! in one transaction as one undo-able batch. Nothing is kept unless the whole file reads: an
//! unreadable value (named by file, line and column), a symbol nobody answered (the file is read
//! to its end to list them all) or a cancel rolls everything back. A preview writes the same way
//! and rolls back, so its counts are exactly the import's. Progress is reported per batch.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Deserialize;
use specta::Type;

use super::generic::ColumnMap;
use super::layout::Context;
use super::read::RowReader;
use super::resolve::{check_maps, CoinMap, Resolver};
use super::{
    dates, generic, resolve, ImportFormat, ImportPhase, ImportProgress, ImportReport, TransferError,
};
use crate::assets;
use crate::holdings::DEFAULT_ACCOUNT;
use crate::ledger::{self, BatchKind};
use crate::store::Store;

mod read_ahead;
mod write;

use read_ahead::{read_legs, ReadBatch};
use write::{Accounts, Seen, Writer};

/// Legs handled per step: one duplicate lookup, one insert, one progress report each. A multiple
/// of the ledger's insert chunk, so every full statement is the one SQLite already prepared.
const BATCH: usize = 2 * ledger::INSERT_CHUNK;
/// Skipped rows listed in the report (all are counted).
const SKIPPED_LISTED: usize = 1_000;

/// What the person chose for this import (the wizard sends it as it is; every field may be left
/// out).
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ImportOptions {
    /// `None`: detect from the header.
    pub format: Option<ImportFormat>,
    /// The account for rows that name none.
    pub account: Option<String>,
    /// Symbol → coin id answers for symbols the file uses.
    pub maps: CoinMap,
    /// Preview only: set by the caller, never read from the wire.
    #[serde(skip)]
    pub dry_run: bool,
    /// The generic importer's columns (implies `--format generic`).
    pub columns: ColumnMap,
    /// The zone (seconds east of UTC) of times the file writes without one.
    pub utc_offset: Option<i64>,
}

impl ImportOptions {
    /// The options as a person writes them (the CLI's flags, the API's form fields): a format
    /// name or `auto`, `SYMBOL=ID` maps, `FIELD=COLUMN` columns and a zone like `+02:00`.
    pub fn from_text(
        format: &str,
        account: Option<String>,
        maps: &[String],
        columns: &[String],
        utc_offset: Option<&str>,
        dry_run: bool,
    ) -> Result<Self, TransferError> {
        let utc_offset = match utc_offset {
            None => None,
            Some(text) => {
                Some(dates::parse_zone(text).ok_or_else(|| TransferError::BadZone(text.into()))?)
            }
        };
        let mut coin_map = CoinMap::new();
        for text in maps {
            let (symbol, id) = resolve::parse_map_arg(text)?;
            coin_map.insert(symbol, id);
        }
        Ok(ImportOptions {
            format: ImportFormat::parse(format),
            account,
            maps: coin_map,
            dry_run,
            columns: generic::parse_column_args(columns)?,
            utc_offset,
        })
    }
}

/// Progress reports and a cancel switch for one running import.
#[derive(Clone, Default)]
pub struct ImportControl {
    progress: Option<Arc<dyn Fn(ImportProgress) + Send + Sync>>,
    cancelled: Arc<AtomicBool>,
}

impl fmt::Debug for ImportControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportControl")
            .field("cancelled", &self.is_cancelled())
            .finish_non_exhaustive()
    }
}

impl ImportControl {
    pub fn with_progress(report: impl Fn(ImportProgress) + Send + Sync + 'static) -> Self {
        ImportControl::default().on_progress(report)
    }

    /// The same control (clones share the cancel switch) reporting progress to `report`.
    pub fn on_progress(mut self, report: impl Fn(ImportProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// The same control (sharing the cancel switch), reporting progress to `also` after
    /// whatever it reported to already.
    pub fn also_reporting(mut self, also: impl Fn(ImportProgress) + Send + Sync + 'static) -> Self {
        let first = self.progress.take();
        self.progress = Some(Arc::new(move |progress: ImportProgress| {
            if let Some(first) = &first {
                first(progress);
            }
            also(progress);
        }));
        self
    }

    /// Stops the import at its next batch; nothing it did is kept.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Reports `bytes` read of `total` and `rows` so far.
    fn report(&self, phase: ImportPhase, (bytes, rows): (u64, u64), total: u64) {
        if let Some(progress) = &self.progress {
            progress(ImportProgress {
                phase,
                bytes_done: bytes.min(total),
                bytes_total: total,
                rows,
            });
        }
    }
}

/// SQLite's page cache while an import runs (KiB): half the store's usual, so a million-row
/// import stays well under 150 MB; the store's own size is restored afterwards.
const IMPORT_CACHE_KIB: i64 = 32 * 1024;

pub async fn import_file(
    store: &Store,
    path: &Path,
    options: &ImportOptions,
    control: &ImportControl,
    now: i64,
) -> Result<ImportReport, TransferError> {
    set_cache(store, IMPORT_CACHE_KIB).await?;
    let result = import(store, path, options, control, now).await;
    set_cache(store, crate::store::CACHE_KIB).await?;
    result
}

async fn set_cache(store: &Store, kib: i64) -> Result<(), TransferError> {
    sqlx::query(&format!("PRAGMA cache_size = -{kib}"))
        .execute(store.pool())
        .await
        .map_err(|e| TransferError::Store(store.error(e)))?;
    Ok(())
}

async fn import(
    store: &Store,
    path: &Path,
    options: &ImportOptions,
    control: &ImportControl,
    now: i64,
) -> Result<ImportReport, TransferError> {
    let generic = options.format == Some(ImportFormat::Generic) || !options.columns.is_empty();
    if generic {
        generic::check_columns(&options.columns)?;
    }
    let wanted = if generic {
        Some(ImportFormat::Generic)
    } else {
        options.format
    };
    let context = Context {
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        utc_offset: options.utc_offset,
        columns: options.columns.clone(),
    };
    let total = std::fs::metadata(path)
        .map_err(|source| TransferError::Read {
            path: path.to_path_buf(),
            source,
        })?
        .len();
    let maps = check_maps(store, &options.maps).await?;
    let fiat = assets::fiat_ids(store).await?;
    let reader = RowReader::open(path, wanted, &context)?;
    let default_account = options
        .account
        .clone()
        .or_else(|| reader.account().map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
    let mut report = ImportReport {
        format: reader.format(),
        rows: 0,
        imported: 0,
        duplicates: 0,
        skipped: Vec::new(),
        skipped_count: 0,
        assets: BTreeMap::new(),
        coin_labels: BTreeMap::new(),
        unresolved: Vec::new(),
        resolved: Vec::new(),
        batch_id: None,
        dry_run: options.dry_run,
        notes: reader.notes(),
    };
    // A preview checks; an import writes (both write in the transaction; a preview rolls back).
    let phase = if options.dry_run {
        ImportPhase::Reading
    } else {
        ImportPhase::Importing
    };
    let mut batches = read_legs(reader);

    let err = |e| TransferError::Store(store.error(e));
    let mut tx = store.pool().begin().await.map_err(err)?;
    let batch = ledger::new_batch(
        &mut tx,
        BatchKind::Import,
        &format!("Import of {}", context.file_name),
        now,
    )
    .await
    .map_err(err)?;
    let in_memory: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM entries)")
        .fetch_one(&mut *tx)
        .await
        .map_err(err)?;
    let mut writer = Writer {
        store,
        tx,
        batch,
        fiat,
        replay: ledger::Replay::default(),
        accounts: Accounts {
            store,
            path,
            now,
            default: default_account,
            by_name: HashMap::new(),
        },
        in_memory,
        seen: Seen::default(),
    };
    let mut coins = Resolver::new(&maps);
    loop {
        let Some(read) = batches.recv().await else {
            // The reading thread ended without its last batch: it can only have panicked.
            return Err(TransferError::Read {
                path: path.to_path_buf(),
                source: std::io::Error::other("reading the file stopped unexpectedly"),
            });
        };
        let ReadBatch {
            legs,
            skipped,
            at,
            more,
        } = read?;
        if control.is_cancelled() {
            return Err(TransferError::Cancelled(path.to_path_buf()));
        }
        report.skipped_count += skipped.len() as u64;
        let room = SKIPPED_LISTED.saturating_sub(report.skipped.len());
        report.skipped.extend(skipped.into_iter().take(room));
        for (_, row, _) in &legs {
            let price_currency = row.price.as_ref().map(|(_, currency)| currency);
            for text in std::iter::once(&row.coin).chain(price_currency) {
                coins.learn(&mut writer.tx, text).await.map_err(err)?;
            }
        }
        // An import with a symbol nobody answered writes no more; it reads on to list them all.
        if options.dry_run || coins.unresolved.is_empty() {
            writer.write(legs, &mut coins, &mut report).await?;
        }
        report.rows = at.1;
        control.report(phase, at, total);
        if !more {
            break;
        }
    }
    let Writer {
        mut tx,
        replay,
        batch,
        ..
    } = writer;
    let unresolved = !coins.unresolved.is_empty();
    let wrote = options.dry_run || !unresolved;
    if wrote {
        // A preview replays too: a position that cannot be worked out fails it like the import.
        replay.finish(&mut tx).await.map_err(err)?;
    }
    if !wrote || options.dry_run || report.imported == 0 {
        tx.rollback().await.map_err(err)?;
    } else {
        tx.commit().await.map_err(err)?;
        report.batch_id = Some(batch);
    }
    // Suggestions for unknown symbols are looked up once the transaction is over.
    (report.resolved, report.unresolved) = coins.finish(store).await?;
    if unresolved && !options.dry_run {
        return Err(TransferError::Unresolved {
            path: path.to_path_buf(),
            unresolved: report.unresolved,
        });
    }
    let named = report.unresolved.iter().flat_map(|u| &u.candidates);
    let named = named.chain(report.resolved.iter().map(|r| &r.id));
    let mut connection = store.pool().acquire().await.map_err(err)?;
    report.coin_labels = assets::labels(&mut connection, report.assets.keys().chain(named))
        .await
        .map_err(err)?;
    Ok(report)
}
