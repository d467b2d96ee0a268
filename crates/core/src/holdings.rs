//! Holdings: what the user holds per account and coin, derived from the ledger. Every change is
//! one transaction that writes ledger entries as one batch; a removal can be undone as a batch.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::{Sqlite, Transaction};

use crate::accounts::{self, AccountError};
use crate::assets::{self, AssetError};
use crate::clock::{iso8601, UnixTime};
use crate::coin::CoinId;
use crate::ids::AccountId;
use crate::ids::BatchId;
use crate::ledger::{self, BatchKind, EntryKind, NewEntry, UnitPrice};
use crate::money::Amount;
use crate::money::Price;
use crate::secret::random_id;
use crate::store::{Store, StoreError};

/// The default account for holdings entered without one.
pub const DEFAULT_ACCOUNT: &str = "Manual";

#[derive(Debug, thiserror::Error)]
pub enum HoldingsError {
    #[error(transparent)]
    Asset(#[from] AssetError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("amount must be more than zero (got {0}); use `holdings set` or `holdings remove` to lower a holding")]
    NotPositive(Amount),
    #[error("amount cannot be negative (got {0})")]
    Negative(Amount),
    #[error("{0} is more than the most one entry can hold (10^18 units)")]
    TooLarge(Amount),
    #[error(transparent)]
    BadPrice(#[from] crate::money::PriceError),
    #[error("a price needs a currency, and a currency needs a price")]
    PriceWithoutCurrency,
    #[error("the date {0}")]
    DateOutOfRange(String),
    #[error("no {coin} held in {account}")]
    NotHeld { coin: String, account: String },
    #[error("{coin} is held in several accounts ({accounts}); say which with --account")]
    WhichAccount { coin: String, accounts: String },
    #[error("the {0} balance would be too large to hold exactly")]
    Overflow(String),
    #[error("nothing to undo with id {0} (it does not exist or was already undone)")]
    NothingToUndo(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One holding: a coin in an account, with its average cost when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct Holding {
    pub account: String,
    pub coin: CoinId,
    pub symbol: String,
    pub name: String,
    pub amount: Amount,
    /// Average cost per unit, as a decimal string, in `cost_currency`.
    pub average_cost: Option<Decimal>,
    pub cost_currency: Option<String>,
}

/// What `add` writes. Decimals arrive as strings.
#[derive(Debug, Clone, Default, Deserialize, Type, utoipa::ToSchema)]
pub struct NewHolding {
    /// A CoinGecko id or an unambiguous symbol.
    pub coin: String,
    pub amount: Amount,
    #[specta(optional)]
    pub account: Option<String>,
    #[specta(optional)]
    pub price: Option<Decimal>,
    #[specta(optional)]
    pub currency: Option<String>,
    #[specta(optional)]
    pub note: Option<String>,
    /// When it was bought or received; default now. Entries fold in date order, so a buy entered
    /// late lands where it belongs in the cost.
    #[serde(default)]
    #[specta(optional)]
    pub occurred_at: Option<UnixTime>,
}

/// The first day any coin existed (Bitcoin's first block, 2009-01-03 UTC).
pub const FIRST_DAY: i64 = 1_230_940_800;

/// The time of an entry: `at`, or `now` when none is given; never before [`FIRST_DAY`] nor more
/// than a day ahead of `now` (time zones apart, a date in the future is a typo).
fn entry_time(at: Option<UnixTime>, now: i64) -> Result<i64, HoldingsError> {
    let at = at.map_or(now, UnixTime::seconds);
    if at < FIRST_DAY {
        return Err(HoldingsError::DateOutOfRange(format!(
            "{} is before 2009-01-03, the first day any coin existed",
            &iso8601(at)[..10]
        )));
    }
    if at > now + 86_400 {
        return Err(HoldingsError::DateOutOfRange(format!(
            "{} is in the future",
            &iso8601(at)[..10]
        )));
    }
    Ok(at)
}

/// The result of a change: the batch it wrote (for undo) and the holding afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct HoldingChange {
    pub batch_id: BatchId,
    pub account: String,
    pub coin: CoinId,
    pub amount: Amount,
    /// The coin was not in the local catalog and was looked up on CoinGecko for this change.
    pub looked_up: bool,
}

impl HoldingChange {
    /// What a write in `batch` left of `coin` in `account` (the caller says whether the coin was
    /// looked up).
    fn new(batch_id: BatchId, account: String, coin: CoinId, amount: Amount) -> Self {
        HoldingChange {
            batch_id,
            account,
            coin,
            amount,
            looked_up: false,
        }
    }
}

fn manual_source() -> String {
    format!("manual:{}", random_id())
}

/// Adds to a holding (a buy when priced, else a deposit).
pub async fn add(store: &Store, new: NewHolding, now: i64) -> Result<HoldingChange, HoldingsError> {
    if new.amount.is_zero() || new.amount.is_negative() {
        return Err(HoldingsError::NotPositive(new.amount));
    }
    if !new.amount.within_entry_bounds() {
        return Err(HoldingsError::TooLarge(new.amount));
    }
    let occurred_at = entry_time(new.occurred_at, now)?;
    let err = |e| HoldingsError::Store(store.error(e));
    let mut tx = store.pool().begin().await.map_err(err)?;
    let asset = assets::resolve(&mut tx, &new.coin).await?;
    let price = match (new.price, new.currency.as_deref()) {
        (None, None) => None,
        (Some(price), Some(currency)) => {
            let price = Price::new(price)?;
            let currency = assets::resolve_currency(&mut tx, currency).await?;
            Some(UnitPrice { price, currency })
        }
        _ => return Err(HoldingsError::PriceWithoutCurrency),
    };
    let account_name = new.account.as_deref().unwrap_or(DEFAULT_ACCOUNT);
    let account = accounts::find_or_create(store, &mut tx, account_name, now).await?;
    let kind = if price.is_some() {
        EntryKind::Buy
    } else {
        EntryKind::Deposit
    };
    let batch = ledger::new_batch(
        &mut tx,
        BatchKind::Manual,
        &format!("add {} {}", new.amount, asset.id),
        now,
    )
    .await
    .map_err(err)?;
    let entry = NewEntry {
        account_id: account.id,
        asset_id: asset.id.to_string(),
        amount: new.amount,
        kind,
        occurred_at,
        price,
        note: new.note.filter(|n| !n.trim().is_empty()),
        source: manual_source(),
        link: None,
    };
    write(store, &mut tx, batch, &[entry]).await?;
    let position = ledger::load_position(&mut tx, account.id, &asset.id)
        .await
        .map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(HoldingChange::new(
        batch,
        account.name,
        asset.id,
        position.amount,
    ))
}

/// Sets a holding to an exact amount by writing the difference as an adjustment entry.
pub async fn set(
    store: &Store,
    coin: &str,
    amount: Amount,
    account: Option<&str>,
    now: i64,
) -> Result<HoldingChange, HoldingsError> {
    if amount.is_negative() {
        return Err(HoldingsError::Negative(amount));
    }
    if !amount.within_entry_bounds() {
        return Err(HoldingsError::TooLarge(amount));
    }
    let err = |e| HoldingsError::Store(store.error(e));
    let mut tx = store.pool().begin().await.map_err(err)?;
    let asset = assets::resolve(&mut tx, coin).await?;
    let account =
        accounts::find_or_create(store, &mut tx, account.unwrap_or(DEFAULT_ACCOUNT), now).await?;
    let current = ledger::load_position(&mut tx, account.id, &asset.id)
        .await
        .map_err(err)?;
    let delta = amount
        .checked_sub(current.amount)
        .ok_or_else(|| HoldingsError::Overflow(asset.id.to_string()))?;
    let batch = ledger::new_batch(
        &mut tx,
        BatchKind::Manual,
        &format!("set {} to {amount}", asset.id),
        now,
    )
    .await
    .map_err(err)?;
    if !delta.is_zero() {
        let entry = adjustment(account.id, &asset.id, delta, now);
        write(store, &mut tx, batch, &[entry]).await?;
    }
    tx.commit().await.map_err(err)?;
    Ok(HoldingChange::new(batch, account.name, asset.id, amount))
}

/// Removes a holding (zeroes it with an adjustment). Without an account, the coin must be held in
/// exactly one. Undo with [`undo`] and the returned batch id.
pub async fn remove(
    store: &Store,
    coin: &str,
    account: Option<&str>,
    now: i64,
) -> Result<HoldingChange, HoldingsError> {
    let err = |e| HoldingsError::Store(store.error(e));
    let mut tx = store.pool().begin().await.map_err(err)?;
    let asset = assets::resolve(&mut tx, coin).await?;
    let held: Vec<(AccountId, String)> = sqlx::query_as(
        "SELECT a.id, a.name FROM balances b JOIN accounts a ON a.id = b.account_id \
         WHERE b.asset_id = ? AND b.amount != '0' ORDER BY a.name",
    )
    .bind(&asset.id)
    .fetch_all(&mut *tx)
    .await
    .map_err(err)?;
    let (account_id, account_name) = match account {
        Some(name) => held
            .into_iter()
            .find(|(_, held_name)| held_name.eq_ignore_ascii_case(name))
            .ok_or_else(|| HoldingsError::NotHeld {
                coin: asset.id.to_string(),
                account: name.to_owned(),
            })?,
        None => match held.len() {
            0 => {
                return Err(HoldingsError::NotHeld {
                    coin: asset.id.to_string(),
                    account: "any account".into(),
                })
            }
            1 => held
                .into_iter()
                .next()
                .ok_or(HoldingsError::NothingToUndo(0))?,
            _ => {
                let names: Vec<_> = held.into_iter().map(|(_, name)| name).collect();
                return Err(HoldingsError::WhichAccount {
                    coin: asset.id.to_string(),
                    accounts: names.join(", "),
                });
            }
        },
    };
    let current = ledger::load_position(&mut tx, account_id, &asset.id)
        .await
        .map_err(err)?;
    let delta = current
        .amount
        .checked_neg()
        .ok_or_else(|| HoldingsError::Overflow(asset.id.to_string()))?;
    let description = format!("remove {} from {account_name}", asset.id);
    let batch = ledger::new_batch(&mut tx, BatchKind::Removal, &description, now)
        .await
        .map_err(err)?;
    write(
        store,
        &mut tx,
        batch,
        &[adjustment(account_id, &asset.id, delta, now)],
    )
    .await?;
    tx.commit().await.map_err(err)?;
    Ok(HoldingChange::new(
        batch,
        account_name,
        asset.id,
        Amount::ZERO,
    ))
}

/// Undoes a batch: deletes its entries and recomputes the positions they touched, in one
/// transaction. The batch stays on record as undone.
pub async fn undo(store: &Store, batch_id: BatchId, now: i64) -> Result<(), HoldingsError> {
    let err = |e| HoldingsError::Store(store.error(e));
    let mut tx = store.pool().begin().await.map_err(err)?;
    let marked = sqlx::query("UPDATE batches SET undone_at = ? WHERE id = ? AND undone_at IS NULL")
        .bind(now)
        .bind(batch_id)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    if marked.rows_affected() == 0 {
        return Err(HoldingsError::NothingToUndo(batch_id.get()));
    }
    let touched: Vec<(AccountId, String)> =
        sqlx::query_as("SELECT DISTINCT account_id, asset_id FROM entries WHERE batch_id = ?")
            .bind(batch_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(err)?;
    sqlx::query("DELETE FROM entries WHERE batch_id = ?")
        .bind(batch_id)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    for (account_id, asset_id) in touched {
        ledger::rebuild_position(&mut tx, account_id, &asset_id)
            .await
            .map_err(err)?;
    }
    tx.commit().await.map_err(err)
}

/// Every non-zero holding, by account then coin.
pub async fn list(store: &Store) -> Result<Vec<Holding>, HoldingsError> {
    // One JSON row instead of one row per holding: sqlx hands each row across threads, which
    // costs more than SQLite's own work for thousands of holdings. Amounts stay exact strings.
    let json: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_array(account, coin, symbol, name, amount, cost_currency, \
         costed_amount, cost_total)) FROM (SELECT a.name AS account, s.id AS coin, s.symbol, \
         s.name, b.amount, b.cost_currency, b.costed_amount, b.cost_total FROM balances b \
         JOIN accounts a ON a.id = b.account_id JOIN assets s ON s.id = b.asset_id \
         WHERE b.amount != '0' ORDER BY a.name COLLATE NOCASE, s.id)",
    )
    .fetch_one(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    let corrupt = || HoldingsError::Store(StoreError::Corrupt(store.path().to_path_buf()));
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
    );
    let rows: Vec<Row> =
        serde_json::from_str(json.as_deref().unwrap_or("[]")).map_err(|_| corrupt())?;
    rows.into_iter()
        .map(
            |(account, coin, symbol, name, amount, currency, costed, total)| {
                let average = match currency {
                    None => None,
                    Some(currency) => ledger::Position {
                        amount: Amount::ZERO,
                        cost_currency: Some(currency),
                        costed_amount: costed.parse().map_err(|_| corrupt())?,
                        cost_total: total.parse().map_err(|_| corrupt())?,
                        last_at: None,
                    }
                    .average_cost()
                    .map(|(cost, currency)| (cost.round_dp(18).normalize(), currency.to_owned())),
                };
                Ok(Holding {
                    account,
                    coin: CoinId::from_stored(coin),
                    symbol,
                    name,
                    amount: amount.parse().map_err(|_| corrupt())?,
                    average_cost: average.as_ref().map(|(cost, _)| *cost),
                    cost_currency: average.map(|(_, currency)| currency),
                })
            },
        )
        .collect()
}

fn adjustment(account_id: AccountId, asset_id: &str, delta: Amount, now: i64) -> NewEntry {
    NewEntry {
        account_id,
        asset_id: asset_id.to_owned(),
        amount: delta,
        kind: EntryKind::Adjustment,
        occurred_at: now,
        price: None,
        note: None,
        source: manual_source(),
        link: None,
    }
}

async fn write(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    batch: BatchId,
    entries: &[NewEntry],
) -> Result<(), HoldingsError> {
    ledger::insert_entries(tx, batch, entries)
        .await
        .map_err(|e| match e {
            sqlx::Error::Protocol(_) => HoldingsError::Overflow(
                entries
                    .first()
                    .map(|e| e.asset_id.clone())
                    .unwrap_or_default(),
            ),
            other => HoldingsError::Store(store.error(other)),
        })
}
