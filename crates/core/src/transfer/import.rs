//! The import pipeline, in two streamed passes so memory stays flat however long the file is:
//! first every row is read and checked (any unreadable value stops the import with its file,
//! line and column, before anything is written) and the coins it names are collected and
//! resolved, never guessed; then the file is read again, each leg fingerprinted, duplicates
//! counted, and everything written in one transaction as one undo-able batch (a preview writes the
//! same way and rolls back, so its counts are exactly the import's). Progress is reported per
//! batch of rows, and a cancel rolls everything back.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use blake2::digest::{Update, VariableOutput};
use blake2::Blake2bVar;
use sqlx::SqliteConnection;

use serde::Deserialize;
use specta::Type;

use super::generic::ColumnMap;
use super::layout::{Context, Out};
use super::read::RowReader;
use super::resolve::{check_maps, coin_key, resolve_coins, CoinMap};
use super::{
    generic, ImportFormat, ImportPhase, ImportProgress, ImportReport, ParsedRow, SkippedRow,
    TransferError, Unresolved,
};
use crate::assets;
use crate::coin::CoinId;
use crate::holdings::DEFAULT_ACCOUNT;
use crate::ids::AccountId;
use crate::ledger::{self, BatchKind, NewEntry, UnitPrice};
use crate::money::{Amount, Price};
use crate::store::Store;

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

/// What the first pass learns about a file.
struct Scan {
    format: ImportFormat,
    rows: u64,
    /// Each coin or price currency text, by its lower-cased key.
    coins: BTreeMap<String, String>,
    skipped: Vec<SkippedRow>,
    skipped_count: u64,
    notes: Vec<String>,
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
    let cache = |kib: i64| format!("PRAGMA cache_size = -{kib}");
    let err = |e| TransferError::Store(store.error(e));
    sqlx::query(&cache(IMPORT_CACHE_KIB))
        .execute(store.pool())
        .await
        .map_err(err)?;
    let result = import(store, path, options, control, now).await;
    sqlx::query(&cache(crate::store::CACHE_KIB))
        .execute(store.pool())
        .await
        .map_err(err)?;
    result
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
    let scan = scan(path, wanted, &context, control, total)?;
    let maps = check_maps(store, &options.maps).await?;
    let (resolved, explained, unresolved) =
        resolve_coins(store, scan.coins.values(), &maps).await?;
    let fiat = assets::fiat_ids(store).await?;
    let mut report = ImportReport {
        format: scan.format,
        rows: scan.rows,
        imported: 0,
        duplicates: 0,
        skipped: scan.skipped,
        skipped_count: scan.skipped_count,
        assets: BTreeMap::new(),
        coin_labels: BTreeMap::new(),
        unresolved,
        resolved: explained,
        batch_id: None,
        dry_run: options.dry_run,
        notes: scan.notes,
    };
    if !report.unresolved.is_empty() && !options.dry_run {
        return Err(TransferError::Unresolved {
            path: path.to_path_buf(),
            unresolved: report.unresolved,
        });
    }

    let err = |e| TransferError::Store(store.error(e));
    let reader = RowReader::open(path, Some(scan.format), &context)?;
    let default_account = options
        .account
        .clone()
        .or_else(|| reader.account().map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
    let mut batches = read_legs(reader);
    let mut tx = store.pool().begin().await.map_err(err)?;
    let batch = ledger::new_batch(
        &mut tx,
        BatchKind::Import,
        &format!("Import of {}", context.file_name),
        now,
    )
    .await
    .map_err(err)?;
    let mut replay = ledger::Replay::default();
    let mut accounts: HashMap<String, AccountId> = HashMap::new();
    let mut in_memory: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM entries)")
        .fetch_one(&mut *tx)
        .await
        .map_err(err)?;
    let mut seen = Seen::default();
    loop {
        let Some(read) = batches.recv().await else {
            // The reading thread ended without its last batch: it can only have panicked.
            return Err(TransferError::Read {
                path: path.to_path_buf(),
                source: std::io::Error::other("reading the file stopped unexpectedly"),
            });
        };
        let ReadBatch { legs, at, more } = read?;
        if control.is_cancelled() {
            return Err(TransferError::Cancelled(path.to_path_buf()));
        }
        // Into an empty ledger, repeats can only come from the file: `seen` finds them, while it
        // has room. Otherwise earlier batches are already written in this transaction (a preview
        // too, rolled back at the end), so one lookup finds rows repeated before in the file or
        // the ledger.
        in_memory &= seen.has_room(2 * legs.len());
        let mut repeats = if in_memory {
            Repeats::Seen(&mut seen)
        } else {
            Repeats::Stored(existing_sources(&mut tx, &legs).await.map_err(err)?)
        };
        let mut entries = Vec::with_capacity(legs.len());
        for (line, mut row, source) in legs {
            let linked = row
                .link
                .as_ref()
                .is_some_and(|link| !repeats.first_time(link));
            if !repeats.first_time(&source) || linked {
                report.duplicates += 1;
                continue;
            }
            // Only a preview gets here with unresolved symbols: each lists the entries waiting on
            // it, and an entry whose coin is known counts in the totals even when its price's
            // currency is not (the import itself refuses to start before every symbol is known).
            let Some(id) = resolved.get(&coin_key(&row.coin)) else {
                waits(&mut report.unresolved, &row.coin, line);
                continue;
            };
            row.coin = id.clone();
            if let Some((_, currency)) = &row.price {
                match resolved.get(&coin_key(currency)) {
                    Some(id) => row.price = row.price.take().map(|(price, _)| (price, id.clone())),
                    None => {
                        waits(&mut report.unresolved, currency, line);
                        row.price = None;
                    }
                }
            }
            if fiat.contains(&row.coin) {
                row.price = None; // the price of a euro in bitcoin is no cost basis
            }
            let net = report
                .assets
                .entry(CoinId::from_stored(row.coin.clone()))
                .or_insert(Amount::ZERO);
            *net = net.checked_add(row.amount).unwrap_or(*net);
            report.imported += 1;
            let name = row
                .account
                .take()
                .unwrap_or_else(|| default_account.clone());
            let account_id = match accounts.get(&name) {
                Some(id) => *id,
                None => {
                    let account = crate::accounts::find_or_create(store, &mut tx, &name, now)
                        .await
                        .map_err(|e| TransferError::Account {
                            path: PathBuf::from(path),
                            line,
                            reason: e.to_string(),
                        })?;
                    accounts.insert(name, account.id);
                    account.id
                }
            };
            entries.push(NewEntry {
                account_id,
                asset_id: row.coin,
                amount: row.amount,
                kind: row.kind,
                occurred_at: row.occurred_at,
                // Every price was bounded as its row was read (read.rs), so none is lost here.
                price: row.price.and_then(|(price, currency)| {
                    Some(UnitPrice {
                        price: Price::new(price).ok()?,
                        currency,
                    })
                }),
                note: row.note,
                source,
                link: row.link,
            });
        }
        ledger::insert_entries_deferred(&mut tx, batch, &entries, &mut replay)
            .await
            .map_err(err)?;
        control.report(ImportPhase::Importing, at, total);
        if !more {
            break;
        }
    }
    replay.finish(&mut tx).await.map_err(err)?;
    let named = report.unresolved.iter().flat_map(|u| &u.candidates);
    let named = named.chain(report.resolved.iter().map(|r| &r.id));
    report.coin_labels = assets::labels(&mut tx, report.assets.keys().chain(named))
        .await
        .map_err(err)?;
    if options.dry_run || report.imported == 0 {
        tx.rollback().await.map_err(err)?;
    } else {
        tx.commit().await.map_err(err)?;
        report.batch_id = Some(batch);
    }
    Ok(report)
}

/// Notes that the entry on `line` waits on the unresolved `symbol`.
fn waits(unresolved: &mut [Unresolved], symbol: &str, line: u64) {
    let key = coin_key(symbol);
    if let Some(found) = unresolved.iter_mut().find(|u| coin_key(&u.symbol) == key) {
        found.wait(line);
    }
}

/// The first pass: every row read and checked, the coins collected, skipped rows listed.
fn scan(
    path: &Path,
    wanted: Option<ImportFormat>,
    context: &Context,
    control: &ImportControl,
    total: u64,
) -> Result<Scan, TransferError> {
    let mut reader = RowReader::open(path, wanted, context)?;
    let mut scan = Scan {
        format: reader.format(),
        rows: 0,
        coins: BTreeMap::new(),
        skipped: Vec::new(),
        skipped_count: 0,
        notes: reader.notes(),
    };
    let mut out = Vec::with_capacity(BATCH);
    loop {
        out.clear();
        let more = reader.next_batch(&mut out, BATCH)?;
        if control.is_cancelled() {
            return Err(TransferError::Cancelled(path.to_path_buf()));
        }
        for item in out.drain(..) {
            match item {
                Out::Leg(_, row) => {
                    for text in std::iter::once(&row.coin).chain(row.price.as_ref().map(|(_, c)| c))
                    {
                        let key = coin_key(text);
                        scan.coins.entry(key).or_insert_with(|| text.clone());
                    }
                }
                Out::Skip(line, reason) => {
                    scan.skipped_count += 1;
                    if scan.skipped.len() < SKIPPED_LISTED {
                        scan.skipped.push(SkippedRow { line, reason });
                    }
                }
            }
        }
        control.report(ImportPhase::Reading, (reader.bytes(), reader.rows()), total);
        if !more {
            break;
        }
    }
    scan.rows = reader.rows();
    scan.skipped.sort_by_key(|s| s.line);
    Ok(scan)
}

/// One batch of the second pass: each leg with its line and source id, and where reading got to
/// (bytes, rows).
struct ReadBatch {
    legs: Vec<(u64, ParsedRow, String)>,
    at: (u64, u64),
    more: bool,
}

/// Reads the legs again on a thread of their own, fingerprinting each, so that parsing the next
/// batch overlaps writing this one. A batch or two waits at most; the thread stops when the
/// receiver is dropped (a failed or cancelled import).
fn read_legs(
    mut reader: RowReader<std::fs::File>,
) -> tokio::sync::mpsc::Receiver<Result<ReadBatch, TransferError>> {
    let (sender, batches) = tokio::sync::mpsc::channel(2);
    tokio::task::spawn_blocking(move || {
        let mut fingerprints = Fingerprints::default();
        let mut out = Vec::with_capacity(BATCH);
        loop {
            out.clear();
            let more = match reader.next_batch(&mut out, BATCH) {
                Ok(more) => more,
                Err(error) => {
                    let _ = sender.blocking_send(Err(error));
                    return;
                }
            };
            let legs = out
                .drain(..)
                .filter_map(|item| match item {
                    Out::Leg(line, row) => Some((line, row)),
                    Out::Skip(..) => None,
                })
                .map(|(line, row)| {
                    let source = fingerprints.source(&row);
                    (line, row, source)
                })
                .collect();
            let at = (reader.bytes(), reader.rows());
            if sender
                .blocking_send(Ok(ReadBatch { legs, at, more }))
                .is_err()
                || !more
            {
                return;
            }
        }
    });
    batches
}

/// Source ids: the file's own id, else a hash of the row's content and how many identical rows
/// came before it, so re-importing the same or an overlapping file adds nothing. Only an 8-byte
/// key and a count per distinct row is kept, so a million rows cost megabytes, not the rows.
#[derive(Default)]
struct Fingerprints {
    occurrences: HashMap<u64, u32>,
}

impl Fingerprints {
    fn source(&mut self, row: &ParsedRow) -> String {
        match &row.id {
            Some(id) => id.clone(),
            None => {
                let content = content_hash(row);
                let mut key = [0u8; 8];
                key.copy_from_slice(&content[..8]);
                let seen = self.occurrences.entry(u64::from_le_bytes(key)).or_insert(0);
                let mut occurrence = content.to_vec();
                occurrence.extend_from_slice(&seen.to_le_bytes());
                *seen += 1;
                format!("native:{}", hex::encode(hash(&[&occurrence])))
            }
        }
    }
}

/// Blake2b-128 of a row's fields (the coin as written, lower-cased), each field terminated so
/// `ab|c` and `a|bc` differ.
fn content_hash(row: &ParsedRow) -> [u8; 16] {
    let price = row
        .price
        .as_ref()
        .map(|(p, c)| format!("{p} {c}"))
        .unwrap_or_default();
    hash(&[
        row.occurred_at.to_string().as_bytes(),
        row.account.as_deref().unwrap_or("").as_bytes(),
        coin_key(&row.coin).as_bytes(),
        row.amount.to_string().as_bytes(),
        row.kind.as_str().as_bytes(),
        price.as_bytes(),
        row.note.as_deref().unwrap_or("").as_bytes(),
    ])
}

fn hash(parts: &[&[u8]]) -> [u8; 16] {
    let mut out = [0u8; 16];
    // 16 bytes is a valid Blake2b output length, so neither call can fail.
    if let Ok(mut hasher) = Blake2bVar::new(out.len()) {
        for part in parts {
            hasher.update(part);
            hasher.update(&[0x1f]);
        }
        let _ = hasher.finalize_variable(&mut out);
    }
    out
}

/// Keys held in memory at most: 200,000 16-byte hashes, a few megabytes. Debug builds (the tests)
/// hold fewer, so a 20,000-row file in a test goes from memory to the database part way through.
const SEEN_MOST: usize = if cfg!(debug_assertions) {
    20_000
} else {
    200_000
};

/// The sources and links this import has met so far, by a 128-bit hash (16 bytes each however
/// long the text). Two different keys share a hash with odds near 10^-28.
#[derive(Default)]
struct Seen(HashSet<u128>);

impl Seen {
    fn has_room(&self, more: usize) -> bool {
        self.0.len() + more <= SEEN_MOST
    }
}

/// How a batch tells a repeated row: by the keys met in this import, or by those the database
/// holds plus those met in this batch.
enum Repeats<'a> {
    Seen(&'a mut Seen),
    Stored(HashSet<String>),
}

impl Repeats<'_> {
    /// Notes `key`; false if it was met before.
    fn first_time(&mut self, key: &str) -> bool {
        match self {
            Repeats::Seen(seen) => seen.0.insert(u128::from_le_bytes(hash(&[key.as_bytes()]))),
            Repeats::Stored(keys) => keys.insert(key.to_owned()),
        }
    }
}

/// Which of the legs' sources and links the ledger holds already.
async fn existing_sources(
    conn: &mut SqliteConnection,
    legs: &[(u64, ParsedRow, String)],
) -> Result<HashSet<String>, sqlx::Error> {
    let sources: Vec<&str> = legs.iter().map(|(_, _, source)| source.as_str()).collect();
    let links: Vec<&str> = legs
        .iter()
        .filter_map(|(_, row, _)| row.link.as_deref())
        .collect();
    let json = |keys: &[&str]| serde_json::to_string(keys).unwrap_or_else(|_| "[]".to_owned());
    let found: Vec<String> = sqlx::query_scalar(
        "SELECT source FROM entries WHERE source IN (SELECT value FROM json_each(?)) \
         UNION ALL SELECT link FROM entries WHERE link IN (SELECT value FROM json_each(?))",
    )
    .bind(json(&sources))
    .bind(json(&links))
    .fetch_all(conn)
    .await?;
    Ok(found.into_iter().collect())
}
