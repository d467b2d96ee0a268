//! The import pipeline, one streamed pass so memory stays flat however long the file is: a
//! thread reads, checks and fingerprints the rows a batch ahead, while each batch's coins are
//! resolved as the file first names them (never guessed), duplicates counted, and the rest written
//! in one transaction as one undo-able batch. Nothing is kept unless the whole file reads: an
//! unreadable value (named by file, line and column), a symbol nobody answered (the file is read
//! to its end to list them all) or a cancel rolls everything back. A preview writes the same way
//! and rolls back, so its counts are exactly the import's. Progress is reported per batch.

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
use super::resolve::{check_maps, coin_key, CoinMap, Resolver};
use super::{
    generic, ImportFormat, ImportPhase, ImportProgress, ImportReport, ParsedRow, SkippedRow,
    TransferError,
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
    let mut coins = Resolver::new(&maps);
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
                coins.learn(&mut tx, text).await.map_err(err)?;
            }
        }
        // An import with a symbol nobody answered writes no more; it reads on to list them all.
        let writing = options.dry_run || coins.unresolved.is_empty();
        if !writing {
            report.rows = at.1;
            control.report(phase, at, total);
            if more {
                continue;
            }
            break;
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
            // currency is not.
            let Some(id) = coins.id(&row.coin).cloned() else {
                coins.waits(&row.coin, line);
                continue;
            };
            row.coin = id;
            if let Some((_, currency)) = &row.price {
                match coins.id(currency).cloned() {
                    Some(id) => row.price = row.price.take().map(|(price, _)| (price, id)),
                    None => {
                        coins.waits(currency, line);
                        row.price = None;
                    }
                }
            }
            if fiat.contains(&row.coin) {
                row.price = None; // the price of a euro in bitcoin is no cost basis
            }
            // Looked up by reference first: a clone only for a coin or account not met before.
            let net = match report.assets.get_mut(row.coin.as_str()) {
                Some(net) => net,
                None => report
                    .assets
                    .entry(CoinId::from_stored(row.coin.clone()))
                    .or_insert(Amount::ZERO),
            };
            *net = net.checked_add(row.amount).unwrap_or(*net);
            report.imported += 1;
            let name = row.account.take();
            let name = name.as_deref().unwrap_or(&default_account);
            let account_id = match accounts.get(name) {
                Some(id) => *id,
                None => {
                    let account = crate::accounts::find_or_create(store, &mut tx, name, now)
                        .await
                        .map_err(|e| TransferError::Account {
                            path: PathBuf::from(path),
                            line,
                            reason: e.to_string(),
                        })?;
                    accounts.insert(name.to_owned(), account.id);
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
        report.rows = at.1;
        control.report(phase, at, total);
        if !more {
            break;
        }
    }
    if !options.dry_run && !coins.unresolved.is_empty() {
        tx.rollback().await.map_err(err)?;
        let (_, unresolved) = coins.finish(store).await?;
        return Err(TransferError::Unresolved {
            path: path.to_path_buf(),
            unresolved,
        });
    }
    replay.finish(&mut tx).await.map_err(err)?;
    let named = coins.unresolved.iter().flat_map(|u| &u.candidates);
    let named = named.chain(coins.explained.iter().map(|r| &r.id));
    report.coin_labels = assets::labels(&mut tx, report.assets.keys().chain(named))
        .await
        .map_err(err)?;
    if options.dry_run || report.imported == 0 {
        tx.rollback().await.map_err(err)?;
    } else {
        tx.commit().await.map_err(err)?;
        report.batch_id = Some(batch);
    }
    // Suggestions for unknown symbols are looked up once the transaction is over.
    (report.resolved, report.unresolved) = coins.finish(store).await?;
    let named = report.unresolved.iter().flat_map(|u| &u.candidates);
    let unlabelled: Vec<&CoinId> = named
        .filter(|id| !report.coin_labels.contains_key(*id))
        .collect();
    if !unlabelled.is_empty() {
        let mut connection = store.pool().acquire().await.map_err(err)?;
        let labels = assets::labels(&mut connection, unlabelled)
            .await
            .map_err(err)?;
        report.coin_labels.extend(labels);
    }
    Ok(report)
}

/// One batch of the file: each leg with its line and source id, the rows skipped, and where
/// reading got to (bytes, rows).
struct ReadBatch {
    legs: Vec<(u64, ParsedRow, String)>,
    skipped: Vec<SkippedRow>,
    at: (u64, u64),
    more: bool,
}

/// Reads the file on a thread of its own, fingerprinting each leg, so that parsing the next batch
/// overlaps writing this one. A batch or two waits at most; the thread stops when the receiver is
/// dropped (a failed or cancelled import).
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
            let mut skipped = Vec::new();
            let mut legs = Vec::with_capacity(out.len());
            for item in out.drain(..) {
                match item {
                    Out::Leg(line, row) => {
                        let source = fingerprints.source(&row);
                        legs.push((line, row, source));
                    }
                    Out::Skip(line, reason) => skipped.push(SkippedRow { line, reason }),
                }
            }
            let at = (reader.bytes(), reader.rows());
            let batch = ReadBatch {
                legs,
                skipped,
                at,
                more,
            };
            if sender.blocking_send(Ok(batch)).is_err() || !more {
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
