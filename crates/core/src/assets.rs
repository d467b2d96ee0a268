//! Assets: coins by CoinGecko id and fiat currencies. Users type an id or a symbol; a symbol that
//! several coins share is refused with the candidates, never resolved to the first one.

use std::collections::BTreeMap;

use crate::coin::CoinId;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::{Sqlite, Transaction};

pub mod contracts;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Asset {
    pub id: CoinId,
    pub symbol: String,
    pub name: String,
}

/// A coin from `/coins/list` or `/coins/markets` or `/search`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Type)]
pub struct Listing {
    pub id: CoinId,
    pub symbol: String,
    pub name: String,
    #[serde(default)]
    pub market_cap_rank: Option<u32>,
    /// Contract address (or mint) by CoinGecko platform, from `include_platform=true`; CoinGecko
    /// sends `null` or `""` for some.
    #[serde(default, skip_serializing)]
    #[specta(skip)]
    pub platforms: BTreeMap<String, Option<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error("unknown coin '{0}': use its CoinGecko id (e.g. bitcoin) or symbol (e.g. btc)")]
    UnknownCoin(String),
    #[error(
        "'{symbol}' is the symbol of several coins ({candidates}); use the CoinGecko id instead"
    )]
    Ambiguous { symbol: String, candidates: String },
    #[error("unknown currency '{0}' (use a code such as usd or eur)")]
    UnknownCurrency(String),
    #[error("reading the coin list failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// A symbol shared by several coins resolves to the one among this many top coins by market cap.
const TOP_RANKS: u32 = 250;

/// Finds a coin by exact id, else by symbol (case-insensitive) when exactly one coin has it, or
/// exactly one of the coins that have it is among the top 250 by market cap.
pub(crate) async fn resolve(
    tx: &mut Transaction<'_, Sqlite>,
    text: &str,
) -> Result<Asset, AssetError> {
    resolve_explained(tx, text).await.map(|(asset, _)| asset)
}

/// How a coin text was resolved, for previews that say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolution {
    /// The text is a coin id (or a fiat code).
    Id { fiat: bool },
    /// The only coin in the catalog with that symbol.
    OnlyCoin,
    /// The only coin among the top 250 by market cap with that symbol.
    TopRanked { rank: u32, others: usize },
}

impl Resolution {
    pub(crate) fn describe(self) -> String {
        match self {
            Resolution::Id { fiat: true } => "fiat currency".to_owned(),
            Resolution::Id { fiat: false } => "CoinGecko id".to_owned(),
            Resolution::OnlyCoin => "the only coin with this symbol".to_owned(),
            Resolution::TopRanked { rank, others } => format!(
                "the only top-250 coin with this symbol (rank {rank}; {others} smaller coin(s) share it)"
            ),
        }
    }
}

/// [`resolve`], saying how.
pub(crate) async fn resolve_explained(
    tx: &mut Transaction<'_, Sqlite>,
    text: &str,
) -> Result<(Asset, Resolution), AssetError> {
    let wanted = text.trim().to_lowercase();
    if wanted.is_empty() {
        return Err(AssetError::UnknownCoin(text.to_owned()));
    }
    let by_id: Option<(CoinId, String, String, String)> =
        sqlx::query_as("SELECT id, symbol, name, kind FROM assets WHERE id = ?")
            .bind(&wanted)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((id, symbol, name, kind)) = by_id {
        let fiat = kind == "fiat";
        return Ok((Asset { id, symbol, name }, Resolution::Id { fiat }));
    }
    // Ranked coins first: a symbol that only one top-250 coin uses resolves to it.
    let by_symbol: Vec<(CoinId, String, String, Option<u32>)> = sqlx::query_as(
        "SELECT id, symbol, name, market_cap_rank FROM assets \
         WHERE symbol = ? COLLATE NOCASE AND kind = 'coin' \
         ORDER BY market_cap_rank IS NULL, market_cap_rank, id LIMIT 50",
    )
    .bind(&wanted)
    .fetch_all(&mut **tx)
    .await?;
    let top: Vec<&(CoinId, String, String, Option<u32>)> = by_symbol
        .iter()
        .filter(|(_, _, _, rank)| rank.is_some_and(|r| r <= TOP_RANKS))
        .collect();
    let chosen = match (by_symbol.as_slice(), top.as_slice()) {
        ([only], _) => Some((only, Resolution::OnlyCoin)),
        (_, [only]) => Some((
            *only,
            Resolution::TopRanked {
                rank: only.3.unwrap_or(0),
                others: by_symbol.len() - 1,
            },
        )),
        _ => None,
    };
    if let Some(((id, symbol, name, _), how)) = chosen {
        let asset = Asset {
            id: id.clone(),
            symbol: symbol.clone(),
            name: name.clone(),
        };
        return Ok((asset, how));
    }
    if by_symbol.is_empty() {
        return Err(AssetError::UnknownCoin(text.to_owned()));
    }
    let mut candidates: Vec<String> = by_symbol
        .into_iter()
        .take(6)
        .map(|c| c.0.to_string())
        .collect();
    if candidates.len() == 6 {
        candidates[5] = "…".to_owned();
    }
    Err(AssetError::Ambiguous {
        symbol: text.to_owned(),
        candidates: candidates.join(", "),
    })
}

/// Coins in the local catalog whose id, symbol or name contains `query`, best ranked first.
pub(crate) async fn search_local(
    store: &crate::store::Store,
    query: &str,
    limit: u32,
) -> Result<Vec<Listing>, crate::store::StoreError> {
    let pattern = format!(
        "%{}%",
        query
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows: Vec<(CoinId, String, String, Option<u32>)> = sqlx::query_as(
        "SELECT id, symbol, name, market_cap_rank FROM assets WHERE kind = 'coin' AND \
         (id LIKE ?1 ESCAPE '\\' OR symbol LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\') \
         ORDER BY market_cap_rank IS NULL, market_cap_rank, id LIMIT ?2",
    )
    .bind(pattern)
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    Ok(rows
        .into_iter()
        .map(|(id, symbol, name, market_cap_rank)| Listing {
            id,
            symbol,
            name,
            market_cap_rank,
            platforms: Default::default(),
        })
        .collect())
}

/// Resolves a coin id or symbol outside a write (reads only).
pub(crate) async fn resolve_id(
    store: &crate::store::Store,
    text: &str,
) -> Result<CoinId, AssetError> {
    let mut tx = store.pool().begin().await?;
    let found = resolve(&mut tx, text).await;
    tx.rollback().await?;
    Ok(found?.id)
}

/// A coin for people: "Bitcoin (BTC)". People read names; ids stay in `--json` and the API.
/// The symbol is upper-cased as SQLite's `upper()` does ([`COIN_LABEL_SQL`]), so a label reads
/// the same whether Rust or the database wrote it.
pub fn coin_label(name: &str, symbol: &str) -> String {
    format!("{name} ({})", symbol.to_ascii_uppercase())
}

/// [`coin_label`] in SQL, over the catalog row joined as `assets` (NULL when there is none).
pub(crate) const COIN_LABEL_SQL: &str = "CASE WHEN assets.id IS NULL THEN NULL \
     ELSE assets.name || ' (' || upper(assets.symbol) || ')' END";

/// The [`coin_label`] of each of `coins` the catalog knows, in one read.
pub(crate) async fn labels<'a>(
    connection: &mut sqlx::SqliteConnection,
    coins: impl IntoIterator<Item = &'a CoinId>,
) -> Result<std::collections::BTreeMap<CoinId, String>, sqlx::Error> {
    let wanted: Vec<&str> = coins.into_iter().map(CoinId::as_str).collect();
    let wanted = serde_json::to_string(&wanted).unwrap_or_else(|_| "[]".to_owned());
    let rows: Vec<(CoinId, String, String)> = sqlx::query_as(
        "SELECT id, name, symbol FROM assets WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(wanted)
    .fetch_all(connection)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, symbol)| (id, coin_label(&name, &symbol)))
        .collect())
}

/// The ids of every fiat currency in the catalog.
pub(crate) async fn fiat_ids(
    store: &crate::store::Store,
) -> Result<std::collections::HashSet<String>, crate::store::StoreError> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM assets WHERE kind = 'fiat'")
        .fetch_all(store.pool())
        .await
        .map_err(|e| store.error(e))?;
    Ok(ids.into_iter().collect())
}

/// Finds a currency (fiat or coin) by id or symbol and returns its id.
pub(crate) async fn resolve_currency(
    tx: &mut Transaction<'_, Sqlite>,
    text: &str,
) -> Result<String, AssetError> {
    let wanted = text.trim().to_lowercase();
    let found: Option<String> = sqlx::query_scalar(
        "SELECT id FROM assets WHERE id = ? OR (kind = 'fiat' AND symbol = ?) LIMIT 1",
    )
    .bind(&wanted)
    .bind(&wanted)
    .fetch_optional(&mut **tx)
    .await?;
    found.ok_or_else(|| AssetError::UnknownCurrency(text.to_owned()))
}
