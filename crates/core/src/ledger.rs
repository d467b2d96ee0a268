//! The ledger: signed entries per (account, asset), and the positions derived from them.
//!
//! A [`Position`] is the fold of a position's entries in time order (when they occurred, then the
//! order they were written in): the amount held plus an average-cost pool (amount bought at a known
//! price, and what it cost). Writing entries updates the stored position in the same transaction:
//! entries later than the position's newest are folded on, and an entry dated before it makes
//! [`rebuild_position`] replay the whole position in time order, as it does after an undo. So the
//! order of rows in a file (Coinbase's are newest first) never changes a cost.

use std::collections::{BTreeSet, HashMap};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite, Transaction};

use crate::clock::UnixTime;
use crate::ids::AccountId;
use crate::ids::BatchId;
use crate::money::Amount;
use crate::money::Price;
use crate::store::{Store, StoreError};

mod position;
pub use position::{Position, MIXED_CURRENCIES, NO_ENTRY};

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Buy,
    Sell,
    Deposit,
    Withdrawal,
    Transfer,
    Fee,
    Reward,
    Adjustment,
}

impl EntryKind {
    /// Every kind, in the order the native format documents them.
    pub const ALL: [EntryKind; 8] = [
        EntryKind::Buy,
        EntryKind::Sell,
        EntryKind::Deposit,
        EntryKind::Withdrawal,
        EntryKind::Transfer,
        EntryKind::Fee,
        EntryKind::Reward,
        EntryKind::Adjustment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Buy => "buy",
            EntryKind::Sell => "sell",
            EntryKind::Deposit => "deposit",
            EntryKind::Withdrawal => "withdrawal",
            EntryKind::Transfer => "transfer",
            EntryKind::Fee => "fee",
            EntryKind::Reward => "reward",
            EntryKind::Adjustment => "adjustment",
        }
    }
}

/// One entry as the asset detail lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LedgerEntry {
    pub at: UnixTime,
    /// The account's name.
    pub account: String,
    pub kind: EntryKind,
    /// Signed: what came in is positive.
    pub amount: Decimal,
    /// The price per unit the entry was written with, in `price_currency` (an asset id).
    pub price: Option<Decimal>,
    pub price_currency: Option<String>,
    /// The person's note, or the file's.
    pub note: Option<String>,
}

/// A price per unit in a currency (an asset id such as `usd`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPrice {
    pub price: Price,
    pub currency: String,
}

/// An entry about to be written.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub account_id: AccountId,
    pub asset_id: String,
    pub amount: Amount,
    pub kind: EntryKind,
    pub occurred_at: i64,
    pub price: Option<UnitPrice>,
    pub note: Option<String>,
    /// Unique per entry: importer + row id, or `manual:<random>`.
    pub source: String,
    /// The leg's name in the exchange's other exports ([`crate::transfer::ParsedRow::link`]).
    pub link: Option<String>,
}

/// Rows per multi-row INSERT: 11 parameters each stays below SQLite's 32,766 limit.
pub(crate) const INSERT_CHUNK: usize = 2_900;

/// Positions replayed per query: two parameters each.
const REPLAY_CHUNK: usize = 1_500;

/// Writes `entries` under `batch_id` and updates each position they touch, inside the caller's
/// transaction. Positions are folded in memory and saved once each, so a large import costs one
/// multi-row INSERT per 2,900 entries plus one write per position.
pub(crate) async fn insert_entries(
    tx: &mut Transaction<'_, Sqlite>,
    batch_id: BatchId,
    entries: &[NewEntry],
) -> Result<(), sqlx::Error> {
    let mut replay = Replay::default();
    insert_entries_deferred(tx, batch_id, entries, &mut replay).await?;
    replay.finish(tx).await
}

/// Positions an entry landed before the end of. A write in several parts (an import) collects
/// them over all its parts and replays each once at the end: a file listed newest first would
/// otherwise replay every position at every part.
#[derive(Debug, Default)]
pub(crate) struct Replay(BTreeSet<(AccountId, String)>);

impl Replay {
    /// One position to replay.
    pub(crate) fn of(account_id: AccountId, asset_id: &str) -> Self {
        Self(BTreeSet::from([(account_id, asset_id.to_owned())]))
    }

    /// One more position to replay (one whose entries were deleted, say).
    pub(crate) fn add(&mut self, account_id: AccountId, asset_id: &str) {
        self.0.insert((account_id, asset_id.to_owned()));
    }

    /// Replays each collected position from its entries in time order, reading them all in one
    /// query per 1,500 positions, and saves it (empty when no entry is left).
    pub(crate) async fn finish(self, tx: &mut Transaction<'_, Sqlite>) -> Result<(), sqlx::Error> {
        let keys: Vec<(AccountId, String)> = self.0.into_iter().collect();
        let empty = Position {
            last_at: Some(NO_ENTRY),
            ..Position::default()
        };
        let mut positions: HashMap<(AccountId, String), Position> = keys
            .iter()
            .map(|key| (key.clone(), empty.clone()))
            .collect();
        for chunk in keys.chunks(REPLAY_CHUNK) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "SELECT account_id, asset_id, amount, price, price_currency, occurred_at \
                 FROM entries WHERE (account_id, asset_id) IN (",
            );
            query.push_values(chunk, |mut row, (account_id, asset_id)| {
                row.push_bind(*account_id).push_bind(asset_id.as_str());
            });
            query.push(") ORDER BY occurred_at, id");
            type Row = (
                AccountId,
                String,
                String,
                Option<String>,
                Option<String>,
                i64,
            );
            let rows: Vec<Row> = query.build_query_as().fetch_all(&mut **tx).await?;
            for (account_id, asset_id, amount, price, currency, occurred_at) in rows {
                let price = match (price, currency) {
                    // A price stored before prices were bounded (0.1 took a zero) counts as none.
                    (Some(price), Some(currency)) => Price::new(parse_stored(&price, "price")?)
                        .ok()
                        .map(|price| UnitPrice { price, currency }),
                    _ => None,
                };
                let key = (account_id, asset_id);
                let current = positions.remove(&key).unwrap_or_default();
                let next = current
                    .fold(
                        parse_stored(&amount, "amount")?,
                        price.as_ref(),
                        occurred_at,
                    )
                    .ok_or_else(|| overflow(&key.1))?;
                positions.insert(key, next);
            }
        }
        save_positions(tx, &positions).await
    }
}

/// [`insert_entries`], leaving the positions to replay in `replay` for the caller to finish.
pub(crate) async fn insert_entries_deferred(
    tx: &mut Transaction<'_, Sqlite>,
    batch_id: BatchId,
    entries: &[NewEntry],
    replay: &mut Replay,
) -> Result<(), sqlx::Error> {
    for chunk in entries.chunks(INSERT_CHUNK) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO entries (batch_id, account_id, asset_id, amount, kind, occurred_at, \
             price, price_currency, note, source, link) ",
        );
        insert.push_values(chunk, |mut row, entry| {
            row.push_bind(batch_id)
                .push_bind(entry.account_id)
                .push_bind(entry.asset_id.as_str())
                .push_bind(entry.amount.to_string())
                .push_bind(entry.kind.as_str())
                .push_bind(entry.occurred_at)
                .push_bind(entry.price.as_ref().map(|p| p.price.to_string()))
                .push_bind(entry.price.as_ref().map(|p| p.currency.as_str()))
                .push_bind(entry.note.as_deref())
                .push_bind(entry.source.as_str())
                .push_bind(entry.link.as_deref());
        });
        // Full chunks share one SQL text, so SQLite parses it once and sqlx reuses it.
        let full = chunk.len() == INSERT_CHUNK;
        insert.build().persistent(full).execute(&mut **tx).await?;
    }
    // Fold every touched position in memory, in time order, starting from what is stored, then
    // save each once. A position an entry lands before the end of is replayed whole instead.
    let mut positions = load_positions(tx, entries).await?;
    let mut in_time_order: Vec<&NewEntry> = entries.iter().collect();
    in_time_order.sort_by_key(|entry| entry.occurred_at); // stable: ties keep the written order
    for entry in in_time_order {
        let key = (entry.account_id, entry.asset_id.clone());
        if replay.0.contains(&key) {
            positions.remove(&key); // replayed at the end; its stored fold is moot
            continue;
        }
        let current = positions.remove(&key).unwrap_or_default();
        if current.last_at.is_some_and(|last| entry.occurred_at < last) {
            replay.0.insert(key);
            continue;
        }
        let next = current
            .fold(entry.amount, entry.price.as_ref(), entry.occurred_at)
            .ok_or_else(|| overflow(&entry.asset_id))?;
        positions.insert(key, next);
    }
    save_positions(tx, &positions).await
}

/// Replays every position whose stored fold may not be in time order: those written before
/// positions kept the time of their newest entry (the vault's first open after the update).
pub(crate) async fn replay_unordered(store: &Store) -> Result<(), StoreError> {
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    let unordered: Vec<(AccountId, String)> =
        sqlx::query_as("SELECT account_id, asset_id FROM balances WHERE last_at IS NULL")
            .fetch_all(&mut *tx)
            .await
            .map_err(err)?;
    Replay(unordered.into_iter().collect())
        .finish(&mut tx)
        .await
        .map_err(err)?;
    tx.commit().await.map_err(err)
}

/// The stored positions of every account the entries touch, in one query.
async fn load_positions(
    tx: &mut Transaction<'_, Sqlite>,
    entries: &[NewEntry],
) -> Result<HashMap<(AccountId, String), Position>, sqlx::Error> {
    let mut accounts: Vec<AccountId> = entries.iter().map(|e| e.account_id).collect();
    accounts.sort_unstable();
    accounts.dedup();
    let mut positions = HashMap::new();
    for chunk in accounts.chunks(INSERT_CHUNK) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT account_id, asset_id, amount, cost_currency, costed_amount, cost_total, \
             last_at FROM balances WHERE account_id IN ",
        );
        query.push_tuples(chunk, |mut row, id| {
            row.push_bind(*id);
        });
        type Row = (
            AccountId,
            String,
            String,
            Option<String>,
            String,
            String,
            Option<i64>,
        );
        let rows: Vec<Row> = query.build_query_as().fetch_all(&mut **tx).await?;
        for (account, asset, amount, cost_currency, costed, total, last_at) in rows {
            let stored = position_from((amount, cost_currency, costed, total, last_at))?;
            let position = Position {
                // Not known (written before it was kept): any new entry replays the position.
                last_at: Some(last_at.unwrap_or(i64::MAX)),
                ..stored
            };
            positions.insert((account, asset), position);
        }
    }
    Ok(positions)
}

/// Upserts positions, many per statement.
async fn save_positions(
    tx: &mut Transaction<'_, Sqlite>,
    positions: &HashMap<(AccountId, String), Position>,
) -> Result<(), sqlx::Error> {
    let all: Vec<_> = positions.iter().collect();
    for chunk in all.chunks(INSERT_CHUNK) {
        let mut upsert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO balances (account_id, asset_id, amount, cost_currency, costed_amount, \
             cost_total, last_at) ",
        );
        upsert.push_values(chunk, |mut row, ((account, asset), position)| {
            row.push_bind(*account)
                .push_bind(asset.as_str())
                .push_bind(position.amount.to_string())
                .push_bind(position.cost_currency.as_deref())
                .push_bind(position.costed_amount.normalize().to_string())
                .push_bind(position.cost_total.normalize().to_string())
                .push_bind(position.last_at);
        });
        upsert.push(
            " ON CONFLICT (account_id, asset_id) DO UPDATE SET amount = excluded.amount, \
             cost_currency = excluded.cost_currency, costed_amount = excluded.costed_amount, \
             cost_total = excluded.cost_total, last_at = excluded.last_at",
        );
        upsert.build().persistent(false).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Writes `entries` as one new batch in one transaction: all of them, or (on any error) none.
/// Returns the batch id, which [`crate::holdings::undo`] accepts.
pub async fn write_batch(
    store: &Store,
    kind: BatchKind,
    description: &str,
    entries: &[NewEntry],
    now: i64,
) -> Result<BatchId, StoreError> {
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    let batch = new_batch(&mut tx, kind, description, now)
        .await
        .map_err(err)?;
    insert_entries(&mut tx, batch, entries).await.map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(batch)
}

/// Why a batch was written; undo works per batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    Manual,
    Import,
    Removal,
}

pub(crate) async fn new_batch(
    tx: &mut Transaction<'_, Sqlite>,
    kind: BatchKind,
    description: &str,
    now: i64,
) -> Result<BatchId, sqlx::Error> {
    let kind = match kind {
        BatchKind::Manual => "manual",
        BatchKind::Import => "import",
        BatchKind::Removal => "removal",
    };
    sqlx::query_scalar(
        "INSERT INTO batches (kind, description, created_at) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(kind)
    .bind(description)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

fn overflow(asset: &str) -> sqlx::Error {
    sqlx::Error::Protocol(format!(
        "the {asset} balance would be too large to hold exactly"
    ))
}

fn parse_stored<T: std::str::FromStr>(text: &str, column: &str) -> Result<T, sqlx::Error> {
    text.parse().map_err(|_| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("not a decimal: {text:?}").into(),
    })
}

pub(crate) async fn load_position(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: AccountId,
    asset_id: &str,
) -> Result<Position, sqlx::Error> {
    let row: Option<StoredPosition> = sqlx::query_as(
        "SELECT amount, cost_currency, costed_amount, cost_total, last_at FROM balances \
         WHERE account_id = ? AND asset_id = ?",
    )
    .bind(account_id)
    .bind(asset_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map_or_else(|| Ok(Position::default()), position_from)
}

/// A position as `balances` keeps it: amount, cost currency, costed amount, cost total, last_at.
type StoredPosition = (String, Option<String>, String, String, Option<i64>);

fn position_from(
    (amount, cost_currency, costed, total, last_at): StoredPosition,
) -> Result<Position, sqlx::Error> {
    Ok(Position {
        amount: parse_stored(&amount, "amount")?,
        cost_currency,
        costed_amount: parse_stored(&costed, "costed_amount")?,
        cost_total: parse_stored(&total, "cost_total")?,
        last_at,
    })
}

/// Recomputes one position from its entries in time order (after an undo, or an entry dated
/// before the position's newest).
pub(crate) async fn rebuild_position(
    tx: &mut Transaction<'_, Sqlite>,
    account_id: AccountId,
    asset_id: &str,
) -> Result<(), sqlx::Error> {
    Replay::of(account_id, asset_id).finish(tx).await
}
