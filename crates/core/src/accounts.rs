//! Accounts: where coins are held (an exchange, a wallet, or entered by hand).

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::{Sqlite, Transaction};

use crate::ids::AccountId;
use crate::store::{is_unique_violation, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Exchange,
    Wallet,
    Manual,
}

impl AccountKind {
    fn as_str(self) -> &'static str {
        match self {
            AccountKind::Exchange => "exchange",
            AccountKind::Wallet => "wallet",
            AccountKind::Manual => "manual",
        }
    }

    fn parse(text: &str) -> AccountKind {
        match text {
            "exchange" => AccountKind::Exchange,
            "wallet" => AccountKind::Wallet,
            _ => AccountKind::Manual,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub kind: AccountKind,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("an account name cannot be empty")]
    EmptyName,
    #[error("an account name can have at most {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("there is already an account named '{0}'")]
    Duplicate(String),
    #[error("no account named '{0}'")]
    NotFound(String),
    #[error("account '{0}' still holds coins or has history; remove its holdings first")]
    InUse(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

const MAX_NAME_CHARS: usize = 100;

pub(crate) fn clean_name(name: &str) -> Result<String, AccountError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AccountError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AccountError::NameTooLong);
    }
    Ok(name.to_owned())
}

fn db(store: &Store) -> impl Fn(sqlx::Error) -> AccountError + '_ {
    move |e| AccountError::Store(store.error(e))
}

/// The account with this name (case-insensitive), created as a manual account if missing.
pub(crate) async fn find_or_create(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    name: &str,
    now: i64,
) -> Result<Account, AccountError> {
    let name = clean_name(name)?;
    let found: Option<(AccountId, String, String)> =
        sqlx::query_as("SELECT id, name, kind FROM accounts WHERE name = ?")
            .bind(&name)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db(store))?;
    if let Some((id, name, kind)) = found {
        return Ok(Account {
            id,
            name,
            kind: AccountKind::parse(&kind),
        });
    }
    let id = sqlx::query_scalar(
        "INSERT INTO accounts (name, kind, created_at) VALUES (?, 'manual', ?) RETURNING id",
    )
    .bind(&name)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(db(store))?;
    Ok(Account {
        id,
        name,
        kind: AccountKind::Manual,
    })
}

pub async fn create(
    store: &Store,
    name: &str,
    kind: AccountKind,
    now: i64,
) -> Result<Account, AccountError> {
    let mut tx = store.pool().begin().await.map_err(db(store))?;
    let account = create_in(store, &mut tx, name, kind, now).await?;
    tx.commit().await.map_err(db(store))?;
    Ok(account)
}

/// Creates an account inside the caller's transaction (a wallet and its account are one write).
pub(crate) async fn create_in(
    store: &Store,
    tx: &mut Transaction<'_, Sqlite>,
    name: &str,
    kind: AccountKind,
    now: i64,
) -> Result<Account, AccountError> {
    let name = clean_name(name)?;
    let result = sqlx::query_scalar(
        "INSERT INTO accounts (name, kind, created_at) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(&name)
    .bind(kind.as_str())
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    match result {
        Ok(id) => Ok(Account { id, name, kind }),
        Err(e) if is_unique_violation(&e) => Err(AccountError::Duplicate(name)),
        Err(e) => Err(db(store)(e)),
    }
}

pub async fn list(store: &Store) -> Result<Vec<Account>, AccountError> {
    let rows: Vec<(AccountId, String, String)> =
        sqlx::query_as("SELECT id, name, kind FROM accounts ORDER BY name COLLATE NOCASE")
            .fetch_all(store.pool())
            .await
            .map_err(db(store))?;
    Ok(rows
        .into_iter()
        .map(|(id, name, kind)| Account {
            id,
            name,
            kind: AccountKind::parse(&kind),
        })
        .collect())
}

/// The id of the account named `name`: its exact name, else the first name matching regardless of
/// case ("kraken" finds "Kraken").
pub async fn id_named(store: &Store, name: &str) -> Result<AccountId, AccountError> {
    let accounts = list(store).await?;
    let name = name.trim();
    accounts
        .iter()
        .find(|a| a.name == name)
        .or_else(|| {
            accounts
                .iter()
                .find(|a| a.name.to_lowercase() == name.to_lowercase())
        })
        .map(|a| a.id)
        .ok_or_else(|| AccountError::NotFound(name.to_owned()))
}

pub async fn rename(store: &Store, old: &str, new: &str) -> Result<Account, AccountError> {
    let new = clean_name(new)?;
    let result: Result<Option<(AccountId, String)>, _> =
        sqlx::query_as("UPDATE accounts SET name = ? WHERE name = ? RETURNING id, kind")
            .bind(&new)
            .bind(old.trim())
            .fetch_optional(store.pool())
            .await;
    match result {
        Ok(Some((id, kind))) => Ok(Account {
            id,
            name: new,
            kind: AccountKind::parse(&kind),
        }),
        Ok(None) => Err(AccountError::NotFound(old.to_owned())),
        Err(e) if is_unique_violation(&e) => Err(AccountError::Duplicate(new)),
        Err(e) => Err(db(store)(e)),
    }
}

/// Deletes an account that has no entries (its history would otherwise be lost).
pub async fn delete(store: &Store, name: &str) -> Result<(), AccountError> {
    let mut tx = store.pool().begin().await.map_err(db(store))?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE name = ?")
        .bind(name.trim())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db(store))?;
    let id = id.ok_or_else(|| AccountError::NotFound(name.to_owned()))?;
    let used: i64 = sqlx::query_scalar("SELECT count(*) FROM entries WHERE account_id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db(store))?;
    if used > 0 {
        return Err(AccountError::InUse(name.to_owned()));
    }
    sqlx::query("DELETE FROM balances WHERE account_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db(store))?;
    sqlx::query("DELETE FROM accounts WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db(store))?;
    tx.commit().await.map_err(db(store))
}
