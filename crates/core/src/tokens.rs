//! Personal access tokens for the local HTTP API. A token is 256 random bits shown once when it
//! is made; the vault keeps only its BLAKE2b hash, so a copy of the vault cannot call the API.
//! A presented token is hashed and compared with every stored hash in constant time.

use std::fmt;

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use rand::RngCore;
use serde::Serialize;
use specta::Type;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::clock::UnixTime;
use crate::store::{is_unique_violation, Store, StoreError};

/// What every token starts with, so a leaked one is recognisable (and secret scanners find it).
pub const TOKEN_PREFIX: &str = "cb_";

/// A token's last use is written at most this often, so a busy client does not write per request.
const LAST_USE_PRECISION_SECONDS: i64 = 60;

const MAX_NAME_CHARS: usize = 64;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Every read endpoint, nothing that changes the vault.
    Read,
    /// Reads and writes.
    ReadWrite,
}

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct ApiToken {
    pub name: String,
    pub scope: TokenScope,
    pub created_at: UnixTime,
    /// Unix seconds of the last request it authorized (to the minute); `None` if never used.
    pub last_used_at: Option<UnixTime>,
}

/// The token's secret text: zeroized on drop, printed as `<redacted>`.
pub struct TokenSecret(Zeroizing<String>);

impl TokenSecret {
    fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        TokenSecret(Zeroizing::new(format!(
            "{TOKEN_PREFIX}{}",
            hex::encode(AsRef::<[u8]>::as_ref(&*bytes))
        )))
    }

    /// The text to show the person once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSecret(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a token name cannot be empty")]
    EmptyName,
    #[error("a token name can have at most {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("there is already a token named '{0}'; revoke it first or pick another name")]
    Duplicate(String),
    #[error("no token named '{0}' (see `crypto-balance api token list`)")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn db(store: &Store) -> impl Fn(sqlx::Error) -> TokenError + '_ {
    move |e| TokenError::Store(store.error(e))
}

fn hash(secret: &str) -> [u8; 32] {
    Blake2b::<U32>::digest(secret.as_bytes()).into()
}

fn scope_of(read_only: bool) -> TokenScope {
    if read_only {
        TokenScope::Read
    } else {
        TokenScope::ReadWrite
    }
}

/// Makes a token; the secret is returned here and never again.
pub async fn create(
    store: &Store,
    name: &str,
    scope: TokenScope,
    now: UnixTime,
) -> Result<(ApiToken, TokenSecret), TokenError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(TokenError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(TokenError::NameTooLong);
    }
    let secret = TokenSecret::generate();
    let result = sqlx::query(
        "INSERT INTO api_tokens (name, hash, read_only, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(name)
    .bind(&hash(secret.expose())[..])
    .bind(scope == TokenScope::Read)
    .bind(now)
    .execute(store.pool())
    .await;
    match result {
        Ok(_) => Ok((
            ApiToken {
                name: name.to_owned(),
                scope,
                created_at: now,
                last_used_at: None,
            },
            secret,
        )),
        Err(e) if is_unique_violation(&e) => Err(TokenError::Duplicate(name.to_owned())),
        Err(e) => Err(db(store)(e)),
    }
}

/// A stored token.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    hash: Vec<u8>,
    name: String,
    read_only: bool,
    created_at: UnixTime,
    last_used_at: Option<UnixTime>,
}

impl Row {
    fn token(self) -> ApiToken {
        ApiToken {
            name: self.name,
            scope: scope_of(self.read_only),
            created_at: self.created_at,
            last_used_at: self.last_used_at,
        }
    }
}

async fn rows(store: &Store) -> Result<Vec<Row>, TokenError> {
    sqlx::query_as(
        "SELECT id, hash, name, read_only, created_at, last_used_at FROM api_tokens \
         ORDER BY name COLLATE NOCASE",
    )
    .fetch_all(store.pool())
    .await
    .map_err(db(store))
}

pub async fn list(store: &Store) -> Result<Vec<ApiToken>, TokenError> {
    Ok(rows(store).await?.into_iter().map(Row::token).collect())
}

/// Revokes (deletes) the token named `name`, regardless of case.
pub async fn revoke(store: &Store, name: &str) -> Result<(), TokenError> {
    // RETURNING says what was deleted, rather than the connection's count of changed rows.
    let deleted: Option<i64> =
        sqlx::query_scalar("DELETE FROM api_tokens WHERE name = ? RETURNING id")
            .bind(name.trim())
            .fetch_optional(store.pool())
            .await
            .map_err(db(store))?;
    match deleted {
        Some(_) => Ok(()),
        None => Err(TokenError::NotFound(name.trim().to_owned())),
    }
}

/// The token whose secret `presented` is, or `None`. Every stored hash is compared, each in
/// constant time, so the answer's timing says nothing about how close a guess was. Its last use
/// is recorded to the minute.
pub async fn verify(
    store: &Store,
    presented: &str,
    now: UnixTime,
) -> Result<Option<ApiToken>, TokenError> {
    let presented = hash(presented);
    let mut found = None;
    for row in rows(store).await? {
        if bool::from(row.hash.as_slice().ct_eq(&presented)) {
            found = Some(row);
        }
    }
    let Some(mut row) = found else {
        return Ok(None);
    };
    let stale = row
        .last_used_at
        .is_none_or(|at| now.seconds() - at.seconds() >= LAST_USE_PRECISION_SECONDS);
    if stale {
        // Best effort: a failed note of the last use must not refuse a valid request.
        let _ = sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
            .bind(now)
            .bind(row.id)
            .execute(store.pool())
            .await;
        row.last_used_at = Some(now);
    }
    Ok(Some(row.token()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_redacted() {
        let (a, b) = (TokenSecret::generate(), TokenSecret::generate());
        assert!(a.expose().starts_with(TOKEN_PREFIX));
        assert_eq!(a.expose().len(), TOKEN_PREFIX.len() + 64);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(format!("{a:?}"), "TokenSecret(<redacted>)");
        assert_ne!(hash(a.expose()), hash(b.expose()));
    }
}
