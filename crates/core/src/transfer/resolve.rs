//! Which coin each text in a file means: a `--map` answer, a name in brackets (`SOL (Solana)`),
//! an id, or a symbol only one coin (or one top-250 coin) has, with how it was decided; anything
//! else is unresolved, with the coins it could mean. Never guessed.

use std::collections::{BTreeMap, HashMap};

use super::{ResolvedSymbol, TransferError, Unresolved};
use crate::assets::{self, AssetError};
use crate::coin::CoinId;
use crate::store::Store;

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

pub(super) fn coin_key(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The person's answers for symbols a file uses: symbol → coin id.
pub type CoinMap = BTreeMap<String, String>;

/// One `SYMBOL=ID` answer as the command line writes it.
pub fn parse_map_arg(text: &str) -> Result<(String, String), TransferError> {
    match text.split_once('=') {
        Some((symbol, id)) if !symbol.trim().is_empty() && !id.trim().is_empty() => {
            Ok((symbol.trim().to_owned(), id.trim().to_owned()))
        }
        _ => Err(TransferError::BadMapping(text.to_owned())),
    }
}

/// The answers keyed for lookup, each id checked against the catalog.
pub(super) async fn check_maps(
    store: &Store,
    maps: &CoinMap,
) -> Result<HashMap<String, String>, TransferError> {
    let mut checked = HashMap::new();
    for (symbol, id) in maps {
        let (symbol, id) = (coin_key(symbol), id.trim().to_lowercase());
        if symbol.is_empty() || id.is_empty() {
            return Err(TransferError::BadMapping(format!("{symbol}={id}")));
        }
        let known: Option<String> = sqlx::query_scalar("SELECT id FROM assets WHERE id = ?")
            .bind(&id)
            .fetch_optional(store.pool())
            .await
            .map_err(|e| store.error(e))?;
        if known.is_none() {
            return Err(TransferError::UnknownMappedCoin { symbol, id });
        }
        checked.insert(symbol, id);
    }
    Ok(checked)
}

/// Each distinct coin text to an id: a mapping, an id, or a symbol only one (top) coin has.
/// Everything else is unresolved, with the coins it could mean.
pub(super) async fn resolve_coins(
    store: &Store,
    texts: impl Iterator<Item = &String>,
    maps: &HashMap<String, String>,
) -> Result<
    (
        HashMap<String, String>,
        Vec<ResolvedSymbol>,
        Vec<Unresolved>,
    ),
    TransferError,
> {
    let mut resolved = HashMap::new();
    let mut explained = Vec::new();
    let mut unresolved = Vec::new();
    let err = |e| TransferError::Store(store.error(e));
    // A plain list, not a lazy iterator: the future stays `Send` across the awaits below.
    let texts: Vec<String> = texts.cloned().collect();
    let mut tx = store.pool().begin().await.map_err(err)?;
    for text in texts {
        let key = coin_key(&text);
        if resolved.contains_key(&key)
            || unresolved
                .iter()
                .any(|u: &Unresolved| coin_key(&u.symbol) == key)
        {
            continue;
        }
        let mut explain = |id: &str, how: String| {
            if text != id {
                explained.push(ResolvedSymbol {
                    symbol: text.clone(),
                    id: CoinId::from_stored(id.to_owned()),
                    how,
                });
            }
        };
        if let Some(id) = maps.get(&key) {
            explain(id, "your mapping".to_owned());
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
                explain(id, "the name in brackets".to_owned());
                resolved.insert(key, id.clone());
                continue;
            }
        }
        match assets::resolve_explained(&mut tx, symbol).await {
            Ok((asset, how)) => {
                explain(&asset.id, how.describe());
                resolved.insert(key, asset.id.to_string());
            }
            Err(AssetError::Ambiguous { candidates, .. }) => unresolved.push(Unresolved {
                symbol: text.clone(),
                candidates: candidates.split(", ").filter_map(CoinId::parse).collect(),
                waiting: 0,
                waiting_lines: Vec::new(),
            }),
            Err(AssetError::Database(e)) => return Err(err(e)),
            Err(_) => unresolved.push(Unresolved {
                symbol: text.clone(),
                candidates: Vec::new(),
                waiting: 0,
                waiting_lines: Vec::new(),
            }),
        }
    }
    // The store has one connection: suggestions are looked up once the transaction is over.
    tx.rollback().await.map_err(err)?;
    for unknown in unresolved.iter_mut().filter(|u| u.candidates.is_empty()) {
        let similar = assets::search_local(store, &coin_key(&unknown.symbol), 5).await?;
        unknown.candidates = similar.into_iter().map(|c| c.id).collect();
    }
    Ok((resolved, explained, unresolved))
}
