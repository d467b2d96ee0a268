//! The import pipeline: rows from [`super::read`], coins resolved (never guessed), each row
//! fingerprinted, duplicates counted, then a preview or everything committed in one transaction
//! as one undo-able batch. Any unreadable value stops the import with its file, line and column.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use blake2::digest::{Update, VariableOutput};
use blake2::Blake2bVar;

use super::{ImportFormat, ImportReport, ParsedRow, TransferError, Unresolved};
use crate::assets::{self, AssetError};
use crate::holdings::DEFAULT_ACCOUNT;
use crate::ledger::{self, BatchKind, NewEntry, UnitPrice};
use crate::money::Amount;
use crate::store::Store;

/// What the user chose for this import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `None`: detect from the header.
    pub format: Option<ImportFormat>,
    /// The account for rows that name none.
    pub account: Option<String>,
    /// `SYMBOL=ID` answers for symbols the file uses.
    pub maps: Vec<String>,
    pub dry_run: bool,
}

/// A row ready to write, with where it came from.
struct ReadyRow {
    line: u64,
    row: ParsedRow,
    source: String,
}

pub async fn import_file(
    store: &Store,
    path: &Path,
    options: &ImportOptions,
    now: i64,
) -> Result<ImportReport, TransferError> {
    let (format, rows, row_count) = super::read::read_rows(path, options.format)?;
    let maps = parse_maps(store, &options.maps).await?;
    let (resolved, unresolved) = resolve_coins(store, &rows, &maps).await?;
    let ready = fingerprint(rows);
    let existing = existing_sources(store, &ready).await?;

    let mut report = ImportReport {
        format,
        rows: row_count,
        imported: 0,
        duplicates: 0,
        skipped: Vec::new(),
        assets: BTreeMap::new(),
        unresolved,
        batch_id: None,
        dry_run: options.dry_run,
    };
    let mut seen = std::collections::HashSet::new();
    let mut to_write: Vec<ReadyRow> = Vec::new();
    for mut ready in ready {
        if existing.contains(&ready.source) || !seen.insert(ready.source.clone()) {
            report.duplicates += 1;
            continue;
        }
        let Some(id) = resolved.get(&coin_key(&ready.row.coin)) else {
            continue; // listed under `unresolved`
        };
        ready.row.coin = id.clone();
        if let Some((_, currency)) = &mut ready.row.price {
            match resolved.get(&coin_key(currency)) {
                Some(id) => *currency = id.clone(),
                None => continue, // listed under `unresolved`
            }
        }
        let net = report.assets.entry(id.clone()).or_insert(Amount::ZERO);
        *net = net.checked_add(ready.row.amount).unwrap_or(*net);
        to_write.push(ready);
    }
    report.imported = u64::try_from(to_write.len()).unwrap_or(u64::MAX);
    if !report.unresolved.is_empty() {
        if options.dry_run {
            return Ok(report);
        }
        return Err(TransferError::Unresolved {
            path: path.to_path_buf(),
            unresolved: report.unresolved,
        });
    }
    if options.dry_run || to_write.is_empty() {
        return Ok(report);
    }
    report.batch_id = Some(commit(store, path, options, &to_write, now).await?);
    Ok(report)
}

/// `sol (solana)` -> (`sol`, Some(`solana`)); anything else is just a symbol or id.
fn split_name(key: &str) -> (&str, Option<&str>) {
    match (key.find(" ("), key.ends_with(')')) {
        (Some(open), true) if open > 0 && open + 2 < key.len() - 1 => (
            key[..open].trim(),
            Some(key[open + 2..key.len() - 1].trim()),
        ),
        _ => (key, None),
    }
}

fn coin_key(text: &str) -> String {
    text.trim().to_lowercase()
}

/// `SYMBOL=ID` pairs, each id checked against the catalog.
async fn parse_maps(
    store: &Store,
    maps: &[String],
) -> Result<HashMap<String, String>, TransferError> {
    let mut parsed = HashMap::new();
    for map in maps {
        let Some((symbol, id)) = map.split_once('=') else {
            return Err(TransferError::BadMapping(map.clone()));
        };
        let (symbol, id) = (coin_key(symbol), id.trim().to_lowercase());
        if symbol.is_empty() || id.is_empty() {
            return Err(TransferError::BadMapping(map.clone()));
        }
        let known: Option<String> = sqlx::query_scalar("SELECT id FROM assets WHERE id = ?")
            .bind(&id)
            .fetch_optional(store.pool())
            .await
            .map_err(|e| store.error(e))?;
        if known.is_none() {
            return Err(TransferError::UnknownMappedCoin { symbol, id });
        }
        parsed.insert(symbol, id);
    }
    Ok(parsed)
}

/// Each distinct coin text to an id: a mapping, an id, or a symbol only one (top) coin has.
/// Everything else is unresolved, with the coins it could mean.
async fn resolve_coins(
    store: &Store,
    rows: &[(u64, ParsedRow)],
    maps: &HashMap<String, String>,
) -> Result<(HashMap<String, String>, Vec<Unresolved>), TransferError> {
    let mut resolved = HashMap::new();
    let mut unresolved = Vec::new();
    let err = |e| TransferError::Store(store.error(e));
    let mut tx = store.pool().begin().await.map_err(err)?;
    // Coins, and the currencies prices are given in (a coin or fiat too).
    // A plain list, not a lazy iterator: the future stays `Send` across the awaits below.
    let mut texts: Vec<&str> = Vec::new();
    for (_, row) in rows {
        texts.push(row.coin.as_str());
        if let Some((_, currency)) = &row.price {
            texts.push(currency.as_str());
        }
    }
    for text in texts {
        let key = coin_key(text);
        if resolved.contains_key(&key)
            || unresolved
                .iter()
                .any(|u: &Unresolved| coin_key(&u.symbol) == key)
        {
            continue;
        }
        if let Some(id) = maps.get(&key) {
            resolved.insert(key, id.clone());
            continue;
        }
        // `SOL (Solana)`: the name in brackets picks among coins that share the symbol.
        let (symbol, name) = split_name(&key);
        if let Some(name) = name {
            let named: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM assets WHERE symbol = ? COLLATE NOCASE AND name = ? COLLATE NOCASE LIMIT 2",
            )
            .bind(symbol)
            .bind(name)
            .fetch_all(&mut *tx)
            .await
            .map_err(err)?;
            if let [id] = named.as_slice() {
                resolved.insert(key, id.clone());
                continue;
            }
        }
        match assets::resolve(&mut tx, symbol).await {
            Ok(asset) => {
                resolved.insert(key, asset.id);
            }
            Err(AssetError::Ambiguous { candidates, .. }) => unresolved.push(Unresolved {
                symbol: text.to_owned(),
                candidates: candidates.split(", ").map(str::to_owned).collect(),
            }),
            Err(AssetError::Database(e)) => return Err(err(e)),
            Err(_) => unresolved.push(Unresolved {
                symbol: text.to_owned(),
                candidates: Vec::new(),
            }),
        }
    }
    // The store has one connection: suggestions are looked up once the transaction is over.
    tx.rollback().await.map_err(err)?;
    for unknown in unresolved.iter_mut().filter(|u| u.candidates.is_empty()) {
        let similar = assets::search_local(store, &coin_key(&unknown.symbol), 5).await?;
        unknown.candidates = similar.into_iter().map(|c| c.id).collect();
    }
    Ok((resolved, unresolved))
}

/// The source id of every row: the file's own id, else a hash of the row's content and how many
/// identical rows came before it, so re-importing the same or an overlapping file adds nothing.
fn fingerprint(rows: Vec<(u64, ParsedRow)>) -> Vec<ReadyRow> {
    let mut occurrences: HashMap<[u8; 16], u32> = HashMap::new();
    rows.into_iter()
        .map(|(line, row)| {
            let source = match &row.id {
                Some(id) => id.clone(),
                None => {
                    let content = content_hash(&row);
                    let seen = occurrences.entry(content).or_insert(0);
                    let mut occurrence = content.to_vec();
                    occurrence.extend_from_slice(&seen.to_le_bytes());
                    *seen += 1;
                    format!("native:{}", hex::encode(hash(&[&occurrence])))
                }
            };
            ReadyRow { line, row, source }
        })
        .collect()
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

async fn existing_sources(
    store: &Store,
    rows: &[ReadyRow],
) -> Result<std::collections::HashSet<String>, TransferError> {
    let sources: Vec<&str> = rows.iter().map(|r| r.source.as_str()).collect();
    let json = serde_json::to_string(&sources).unwrap_or_else(|_| "[]".to_owned());
    let found: Vec<String> = sqlx::query_scalar(
        "SELECT source FROM entries WHERE source IN (SELECT value FROM json_each(?))",
    )
    .bind(json)
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    Ok(found.into_iter().collect())
}

/// Writes every row in one transaction as one batch; returns the batch id.
async fn commit(
    store: &Store,
    path: &Path,
    options: &ImportOptions,
    rows: &[ReadyRow],
    now: i64,
) -> Result<i64, TransferError> {
    let err = |e| TransferError::Store(store.error(e));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut tx = store.pool().begin().await.map_err(err)?;
    let batch = ledger::new_batch(
        &mut tx,
        BatchKind::Import,
        &format!("Import of {file_name}"),
        now,
    )
    .await
    .map_err(err)?;
    let mut accounts: HashMap<String, i64> = HashMap::new();
    let mut entries = Vec::with_capacity(rows.len());
    for ready in rows {
        let name = ready
            .row
            .account
            .clone()
            .or_else(|| options.account.clone())
            .unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
        let account_id = match accounts.get(&name) {
            Some(id) => *id,
            None => {
                let account = crate::accounts::find_or_create(store, &mut tx, &name, now)
                    .await
                    .map_err(|e| TransferError::Account {
                        path: PathBuf::from(path),
                        line: ready.line,
                        reason: e.to_string(),
                    })?;
                accounts.insert(name, account.id);
                account.id
            }
        };
        let price = ready.row.price.as_ref().map(|(price, currency)| UnitPrice {
            price: *price,
            currency: currency.clone(),
        });
        entries.push(NewEntry {
            account_id,
            asset_id: ready.row.coin.clone(),
            amount: ready.row.amount,
            kind: ready.row.kind,
            occurred_at: ready.row.occurred_at,
            price,
            note: ready.row.note.clone(),
            source: ready.source.clone(),
        });
    }
    ledger::insert_entries(&mut tx, batch, &entries)
        .await
        .map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(batch)
}
