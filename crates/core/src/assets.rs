//! Assets: coins by CoinGecko id and fiat currencies. Users type an id or a symbol; a symbol that
//! several coins share is refused with the candidates, never resolved to the first one.

use serde::Serialize;
use sqlx::{Sqlite, Transaction};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Asset {
    pub id: String,
    pub symbol: String,
    pub name: String,
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

/// Finds a coin by exact id, else by symbol (case-insensitive) when exactly one coin has it.
pub(crate) async fn resolve(
    tx: &mut Transaction<'_, Sqlite>,
    text: &str,
) -> Result<Asset, AssetError> {
    let wanted = text.trim().to_lowercase();
    if wanted.is_empty() {
        return Err(AssetError::UnknownCoin(text.to_owned()));
    }
    let by_id: Option<(String, String, String)> =
        sqlx::query_as("SELECT id, symbol, name FROM assets WHERE id = ? AND kind = 'coin'")
            .bind(&wanted)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((id, symbol, name)) = by_id {
        return Ok(Asset { id, symbol, name });
    }
    let by_symbol: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, symbol, name FROM assets WHERE symbol = ? COLLATE NOCASE AND kind = 'coin' \
         ORDER BY id LIMIT 6",
    )
    .bind(&wanted)
    .fetch_all(&mut **tx)
    .await?;
    match by_symbol.len() {
        0 => Err(AssetError::UnknownCoin(text.to_owned())),
        1 => {
            let (id, symbol, name) = by_symbol
                .into_iter()
                .next()
                .ok_or_else(|| AssetError::UnknownCoin(text.to_owned()))?;
            Ok(Asset { id, symbol, name })
        }
        _ => Err(AssetError::Ambiguous {
            symbol: text.to_owned(),
            candidates: by_symbol
                .into_iter()
                .map(|(id, _, _)| id)
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
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
