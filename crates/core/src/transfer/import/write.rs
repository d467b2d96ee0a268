//! The import's writing: each batch's legs, less repeats, into the import's one transaction, with
//! the accounts they name.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::super::resolve::Resolver;
use super::super::{ImportReport, ParsedRow, TransferError};
use super::read_ahead::hash;
use crate::coin::CoinId;
use crate::ids::{AccountId, BatchId};
use crate::ledger::{self, NewEntry, UnitPrice};
use crate::money::{Amount, Price};
use crate::store::Store;

/// What writing an import keeps from batch to batch, inside its one transaction.
pub(super) struct Writer<'a> {
    pub(super) store: &'a Store,
    pub(super) tx: Transaction<'a, Sqlite>,
    pub(super) batch: BatchId,
    pub(super) fiat: HashSet<String>,
    pub(super) replay: ledger::Replay,
    pub(super) accounts: Accounts<'a>,
    /// Whether repeats are still found in `seen` alone (see [`Writer::write`]).
    pub(super) in_memory: bool,
    pub(super) seen: Seen,
}

impl Writer<'_> {
    /// Writes one batch's legs, less repeats and (in a preview) those waiting on an unresolved
    /// symbol, counting them in `report`.
    pub(super) async fn write(
        &mut self,
        legs: Vec<(u64, ParsedRow, String)>,
        coins: &mut Resolver<'_>,
        report: &mut ImportReport,
    ) -> Result<(), TransferError> {
        let err = |e| TransferError::Store(self.store.error(e));
        // Into an empty ledger, repeats can only come from the file: `seen` finds them, while it
        // has room. Otherwise earlier batches are already written in this transaction (a preview
        // too, rolled back at the end), so one lookup finds rows repeated before in the file or
        // the ledger.
        self.in_memory &= self.seen.has_room(2 * legs.len());
        let mut repeats = if self.in_memory {
            Repeats::Seen(&mut self.seen)
        } else {
            Repeats::Stored(existing_sources(&mut self.tx, &legs).await.map_err(err)?)
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
            if self.fiat.contains(&row.coin) {
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
            let account_id = self
                .accounts
                .id(&mut self.tx, name.as_deref(), line)
                .await?;
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
        ledger::insert_entries_deferred(&mut self.tx, self.batch, &entries, &mut self.replay)
            .await
            .map_err(err)
    }
}

/// The accounts an import writes to, by name, each created the first time a row names it.
pub(super) struct Accounts<'a> {
    pub(super) store: &'a Store,
    pub(super) path: &'a Path,
    pub(super) now: i64,
    /// For rows that name no account.
    pub(super) default: String,
    pub(super) by_name: HashMap<String, AccountId>,
}

impl Accounts<'_> {
    /// The id of the account `name` (the default one for `None`).
    async fn id(
        &mut self,
        tx: &mut Transaction<'_, Sqlite>,
        name: Option<&str>,
        line: u64,
    ) -> Result<AccountId, TransferError> {
        let name = name.unwrap_or(&self.default);
        if let Some(id) = self.by_name.get(name) {
            return Ok(*id);
        }
        let account = crate::accounts::find_or_create(self.store, tx, name, self.now)
            .await
            .map_err(|e| TransferError::Account {
                path: self.path.to_path_buf(),
                line,
                reason: e.to_string(),
            })?;
        self.by_name.insert(name.to_owned(), account.id);
        Ok(account.id)
    }
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
pub(super) struct Seen(HashSet<u128>);

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
