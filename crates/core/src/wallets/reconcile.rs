//! How a scan's findings reach the ledger, each in one transaction: a history of entries made to
//! match (Bitcoin), or balances made to match with adjustments (EVM chains and Solana).

use std::collections::{BTreeMap, HashMap};

use sqlx::{Sqlite, Transaction};

use super::{db, ChainEntry, LedgerChanges, WalletError};
use crate::ids::AccountId;
use crate::ledger::{self, BatchKind, EntryKind, NewEntry};
use crate::money::Amount;
use crate::store::{is_unique_violation, Store};

/// An entry a scan wrote: id, source, asset, amount, kind and time.
type StoredEntry = (i64, String, String, String, String, i64);

/// The account's entries whose source starts with `prefix`: those its scans wrote.
async fn entries_under(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    account: AccountId,
    prefix: &str,
) -> Result<Vec<StoredEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, source, asset_id, amount, kind, occurred_at FROM entries \
         WHERE account_id = ? AND substr(source, 1, length(?)) = ?",
    )
    .bind(account)
    .bind(prefix)
    .bind(prefix)
    .fetch_all(&mut **tx)
    .await
}

/// Adds `balance` to the one with the same key in `balances`, or adds it as a new one: the same
/// coin found twice (two mints of one coin, two tokens of one coin on a chain) is one balance.
pub(crate) fn add_balance(
    balances: &mut Vec<ChainBalance>,
    balance: ChainBalance,
) -> Result<(), WalletError> {
    match balances.iter_mut().find(|b| b.key == balance.key) {
        Some(held) => {
            held.amount = held
                .amount
                .checked_add(balance.amount)
                .ok_or_else(|| WalletError::OutOfRange(format!("the {} balance", balance.key)))?;
        }
        None => balances.push(balance),
    }
    Ok(())
}

/// Makes the account's entries under `prefix` what the chain says, in one transaction: new ones
/// added as one batch, vanished ones removed, changed ones (a confirmation's time) rewritten.
pub(crate) async fn reconcile(
    store: &Store,
    account: AccountId,
    prefix: &str,
    wanted: Vec<ChainEntry>,
    description: &str,
    now: i64,
) -> Result<LedgerChanges, WalletError> {
    let err = db(store);
    let mut tx = store.pool().begin().await.map_err(&err)?;
    let changes = reconcile_in(store, &mut tx, account, prefix, wanted, description, now).await?;
    tx.commit().await.map_err(&err)?;
    Ok(changes)
}

/// [`reconcile`] within the caller's transaction.
pub(crate) async fn reconcile_in(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    prefix: &str,
    wanted: Vec<ChainEntry>,
    description: &str,
    now: i64,
) -> Result<LedgerChanges, WalletError> {
    let err = db(store);
    let stored = entries_under(tx, account, prefix).await.map_err(&err)?;
    let mut stored: HashMap<String, (i64, String, String, String, i64)> = stored
        .into_iter()
        .map(|(id, source, asset, amount, kind, at)| (source, (id, asset, amount, kind, at)))
        .collect();
    let mut replay = ledger::Replay::default();
    let mut fresh = Vec::new();
    let mut removed: Vec<i64> = Vec::new();
    let mut rewritten = 0u32;
    for entry in wanted {
        let kept_at = match stored.remove(&entry.source) {
            Some((id, asset, amount, kind, at)) => {
                let same = asset == entry.asset
                    && amount == entry.amount.to_string()
                    && kind == entry.kind.as_str()
                    && entry.at.is_none_or(|t| t == at);
                if same {
                    continue;
                }
                removed.push(id);
                rewritten += 1;
                replay.add(account, &asset);
                Some(at)
            }
            None => None,
        };
        fresh.push(NewEntry {
            account_id: account,
            asset_id: entry.asset,
            amount: entry.amount,
            kind: entry.kind,
            occurred_at: entry.at.or(kept_at).unwrap_or(now),
            price: None,
            note: Some(entry.note),
            source: entry.source,
            link: None,
        });
    }
    for (id, asset, ..) in stored.into_values() {
        removed.push(id);
        replay.add(account, &asset);
    }
    for chunk in removed.chunks(500) {
        let mut delete = sqlx::QueryBuilder::new("DELETE FROM entries WHERE id IN (");
        let mut ids = delete.separated(", ");
        for id in chunk {
            ids.push_bind(*id);
        }
        delete.push(")");
        delete.build().execute(&mut **tx).await.map_err(&err)?;
    }
    // A rewritten entry counts once, as added.
    let mut changes = LedgerChanges {
        added: u32::try_from(fresh.len()).unwrap_or(u32::MAX),
        removed: u32::try_from(removed.len())
            .unwrap_or(u32::MAX)
            .saturating_sub(rewritten),
        batch_id: None,
    };
    if !fresh.is_empty() {
        let batch = ledger::new_batch(tx, BatchKind::Import, description, now)
            .await
            .map_err(&err)?;
        ledger::insert_entries_deferred(tx, batch, &fresh, &mut replay)
            .await
            .map_err(|e| match is_unique_violation(&e) {
                true => WalletError::Invalid(
                    "another account already holds one of these transactions".into(),
                ),
                false => err(e),
            })?;
        changes.batch_id = Some(batch);
    }
    replay.finish(tx).await.map_err(&err)?;
    Ok(changes)
}

/// The balance an entry under a wallet's prefix counts towards: an adjustment's source is
/// `<key>:<height>`; a history entry's is `<chain>:h:<id>` and counts towards `<chain>:<asset>`.
fn balance_key(rest: &str, asset: &str) -> Option<String> {
    match rest.split_once(":h:") {
        Some((chain, _)) if !chain.contains(':') => Some(format!("{chain}:{asset}")),
        _ => rest.rsplit_once(':').map(|(key, _)| key.to_owned()),
    }
}

/// One coin's balance as a chain reports it, at a block or slot. `key` names the balance among
/// the wallet's (`solana`, `base:usd-coin`): the same coin on two chains is two balances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChainBalance {
    pub key: String,
    pub asset: String,
    pub amount: Amount,
    pub height: u64,
}

/// Makes each balance under `prefix` what the chain says, with one adjustment per balance that
/// differs, named by the block or slot it is as of (`<prefix><key>:<height>`), all in one
/// transaction and one batch: what balance-only providers write. A balance the ledger has under
/// one of the `covered` key prefixes that the chain no longer reports goes back to zero; others
/// (a chain that did not answer this time) are left as they are.
pub(crate) async fn reconcile_balances(
    store: &Store,
    account: AccountId,
    prefix: &str,
    found: (Vec<ChainBalance>, &[String]),
    description: &str,
    now: i64,
) -> Result<LedgerChanges, WalletError> {
    let err = db(store);
    let mut tx = store.pool().begin().await.map_err(&err)?;
    let changes =
        reconcile_balances_in(store, &mut tx, account, prefix, found, description, now).await?;
    tx.commit().await.map_err(&err)?;
    Ok(changes)
}

/// [`reconcile_balances`] within the caller's transaction; `found` is the balances the chain
/// reported and the key prefixes it covered.
pub(crate) async fn reconcile_balances_in(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    prefix: &str,
    (wanted, covered): (Vec<ChainBalance>, &[String]),
    description: &str,
    now: i64,
) -> Result<LedgerChanges, WalletError> {
    let err = db(store);
    let stored = entries_under(tx, account, prefix).await.map_err(&err)?;
    // What the ledger holds per key: the sum of its history and its adjustments.
    let mut held: BTreeMap<String, (String, Amount)> = BTreeMap::new();
    for (_, source, asset, amount, ..) in stored {
        let Some(key) = source
            .strip_prefix(prefix)
            .and_then(|rest| balance_key(rest, &asset))
        else {
            continue;
        };
        let amount: Amount = amount.parse().unwrap_or(Amount::ZERO);
        let slot = held.entry(key.clone()).or_insert((asset, Amount::ZERO));
        slot.1 = slot
            .1
            .checked_add(amount)
            .ok_or_else(|| WalletError::OutOfRange(format!("the {key} balance")))?;
    }
    // A balance the chain no longer reports has no block of its own: it is named by the scan's
    // time (`…:gone-<unix seconds>`), which cannot collide with a block number.
    let mut targets: BTreeMap<String, (String, Amount, String)> = wanted
        .into_iter()
        .map(|b| (b.key, (b.asset, b.amount, b.height.to_string())))
        .collect();
    for (key, (asset, _)) in &held {
        if !targets.contains_key(key) && covered.iter().any(|c| key.starts_with(c.as_str())) {
            targets.insert(
                key.clone(),
                (asset.clone(), Amount::ZERO, format!("gone-{now}")),
            );
        }
    }
    let mut fresh = Vec::new();
    for (key, (asset, amount, height)) in targets {
        let before = held.get(&key).map_or(Amount::ZERO, |h| h.1);
        let change = amount
            .checked_sub(before)
            .ok_or_else(|| WalletError::OutOfRange(format!("the {key} balance")))?;
        if change.is_zero() {
            continue;
        }
        fresh.push(NewEntry {
            account_id: account,
            asset_id: asset,
            amount: change,
            kind: EntryKind::Adjustment,
            occurred_at: now,
            price: None,
            note: Some(match height.strip_prefix("gone-") {
                Some(_) => "No longer watched, or no longer held".to_owned(),
                None => format!("Balance on chain as of block or slot {height}"),
            }),
            source: format!("{prefix}{key}:{height}"),
            link: None,
        });
    }
    if fresh.is_empty() {
        return Ok(LedgerChanges::default());
    }
    let batch = ledger::new_batch(tx, BatchKind::Import, description, now)
        .await
        .map_err(&err)?;
    ledger::insert_entries(tx, batch, &fresh)
        .await
        .map_err(|e| match is_unique_violation(&e) {
            true => WalletError::Invalid(
                "the ledger already has this wallet's balance as of this block: scan again later"
                    .into(),
            ),
            false => err(e),
        })?;
    Ok(LedgerChanges {
        added: u32::try_from(fresh.len()).unwrap_or(u32::MAX),
        removed: 0,
        batch_id: Some(batch),
    })
}
