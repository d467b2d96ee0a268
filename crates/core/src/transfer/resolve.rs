//! Which coin each text in a file means: a `--map` answer, a name in brackets (`SOL (Solana)`),
//! an id, or a symbol only one coin (or one top-250 coin) has, with how it was decided; anything
//! else is unresolved, with the coins it could mean. Never guessed.

use std::collections::{BTreeMap, HashMap};

use super::{ResolvedSymbol, TransferError, Unresolved};
use crate::assets::{self, AssetError};
use crate::coin::CoinId;
use crate::store::Store;
use sqlx::{Sqlite, Transaction};

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

/// Each distinct coin text to an id, decided the first time the file names it: a mapping, an id,
/// or a symbol only one (top) coin has. Everything else is unresolved, with the coins it could
/// mean (looked up by [`Resolver::finish`], once the import's transaction is over).
pub(super) struct Resolver<'m> {
    maps: &'m HashMap<String, String>,
    /// By coin key.
    resolved: HashMap<String, String>,
    pub explained: Vec<ResolvedSymbol>,
    pub unresolved: Vec<Unresolved>,
}

impl<'m> Resolver<'m> {
    pub fn new(maps: &'m HashMap<String, String>) -> Self {
        Self {
            maps,
            resolved: HashMap::new(),
            explained: Vec::new(),
            unresolved: Vec::new(),
        }
    }

    /// The id `text` was resolved to, if it was.
    pub fn id(&self, text: &str) -> Option<&String> {
        self.resolved.get(&coin_key(text))
    }

    /// Decides what `text` means, unless it was decided before.
    pub async fn learn(
        &mut self,
        tx: &mut Transaction<'_, Sqlite>,
        text: &str,
    ) -> Result<(), sqlx::Error> {
        let key = coin_key(text);
        if self.resolved.contains_key(&key)
            || self.unresolved.iter().any(|u| coin_key(&u.symbol) == key)
        {
            return Ok(());
        }
        let mut explain = |id: &str, how: String| {
            if text != id {
                self.explained.push(ResolvedSymbol {
                    symbol: text.to_owned(),
                    id: CoinId::from_stored(id.to_owned()),
                    how,
                });
            }
        };
        if let Some(id) = self.maps.get(&key) {
            explain(id, "your mapping".to_owned());
            self.resolved.insert(key, id.clone());
            return Ok(());
        }
        // `SOL (Solana)`: the name in brackets picks among coins that share the symbol.
        let (symbol, name) = split_name(&key);
        if let Some(name) = name {
            let named: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM assets WHERE symbol = ? COLLATE NOCASE AND name = ? COLLATE NOCASE LIMIT 2",
            )
            .bind(symbol)
            .bind(name)
            .fetch_all(&mut **tx)
            .await?;
            if let [id] = named.as_slice() {
                explain(id, "the name in brackets".to_owned());
                self.resolved.insert(key, id.clone());
                return Ok(());
            }
        }
        let unresolved = |candidates| Unresolved {
            symbol: text.to_owned(),
            candidates,
            waiting: 0,
            waiting_lines: Vec::new(),
        };
        match assets::resolve_explained(tx, symbol).await {
            Ok((asset, how)) => {
                explain(&asset.id, how.describe());
                self.resolved.insert(key, asset.id.to_string());
            }
            Err(AssetError::Ambiguous { candidates, .. }) => self.unresolved.push(unresolved(
                candidates.split(", ").filter_map(CoinId::parse).collect(),
            )),
            Err(AssetError::Database(e)) => return Err(e),
            Err(_) => self.unresolved.push(unresolved(Vec::new())),
        }
        Ok(())
    }

    /// Notes that the entry on `line` waits on the unresolved `text`.
    pub fn waits(&mut self, text: &str, line: u64) {
        let key = coin_key(text);
        if let Some(found) = self
            .unresolved
            .iter_mut()
            .find(|u| coin_key(&u.symbol) == key)
        {
            found.wait(line);
        }
    }

    /// What was explained and what stays unresolved, in the order of their keys, each unknown
    /// symbol with the coins it resembles.
    pub async fn finish(
        mut self,
        store: &Store,
    ) -> Result<(Vec<ResolvedSymbol>, Vec<Unresolved>), TransferError> {
        for unknown in self
            .unresolved
            .iter_mut()
            .filter(|u| u.candidates.is_empty())
        {
            let similar = assets::search_local(store, &coin_key(&unknown.symbol), 5).await?;
            unknown.candidates = similar.into_iter().map(|c| c.id).collect();
        }
        self.explained.sort_by_key(|r| coin_key(&r.symbol));
        self.unresolved.sort_by_key(|u| coin_key(&u.symbol));
        Ok((self.explained, self.unresolved))
    }
}
