//! The coin catalog: `/coins/list` and the top coins, downloaded at most daily by the sync loop,
//! and single coins looked up on `/search` when a person names one the catalog lacks.

use std::sync::Arc;
use std::time::Duration;

use super::{db, Connection, Listing, Rates, RatesError};
use crate::store::Store;

/// The fetch-log entry of the last complete catalog download.
const CATALOG_DOWNLOADED: &str = "catalog_downloaded";
/// The coin catalog (`/coins/list` + ranks) is refreshed at most daily.
const CATALOG_MAX_AGE: i64 = 86_400;
/// After a failed catalog download, try again in an hour, not every cycle.
const CATALOG_RETRY: i64 = 3_600;
/// `/search` answers are cached as long as CoinGecko caches them.
pub(super) const SEARCH_TTL: Duration = Duration::from_secs(15 * 60);

impl Rates {
    /// Downloads `/coins/list` and the top 250 by market cap when the cached catalog is a day
    /// old. Failures are logged and retried in an hour; prices do not wait for the catalog.
    pub(super) async fn refresh_catalog_if_due(
        &self,
        connection: &Connection,
        store: &Store,
        now: i64,
    ) {
        let due = match db::fetched_at(store, "coins_list").await {
            Ok(last) => last.is_none_or(|at| now - at >= CATALOG_MAX_AGE),
            Err(_) => false,
        };
        if !due {
            return;
        }
        let result = async {
            let listings = connection.client.coins_list().await?;
            db::save_listings(store, &listings, "coins_list", now).await?;
            let ranked = connection.client.top_coins("usd", 1).await?;
            db::save_ranks(store, &ranked, now).await?;
            // Unlike "coins_list", which a failed attempt also marks (to retry in an hour).
            db::record_fetch(store, CATALOG_DOWNLOADED, now).await?;
            Ok::<usize, RatesError>(listings.len())
        }
        .await;
        match result {
            Ok(count) => tracing::info!(coins = count, "coin catalog refreshed"),
            Err(error) => {
                tracing::warn!(%error, "coin catalog refresh failed; retrying in an hour");
                let retry_at = now - CATALOG_MAX_AGE + CATALOG_RETRY;
                if let Err(e) = db::record_fetch(store, "coins_list", retry_at).await {
                    tracing::warn!(error = %e, "could not record the catalog attempt");
                }
            }
        }
    }

    /// Coins matching `query`: CoinGecko's `/search` (see [`Rates::look_up`]), or the local
    /// catalog when CoinGecko cannot be reached.
    pub async fn search(
        &self,
        store: &Store,
        query: &str,
        now: i64,
    ) -> Result<Vec<Listing>, RatesError> {
        match self.look_up(store, query, now).await {
            Err(RatesError::Api(error)) => {
                tracing::info!(%error, "search offline: using the local coin catalog");
                let query = query.trim().to_lowercase();
                Ok(crate::assets::search_local(store, &query, 25).await?)
            }
            found => found,
        }
    }

    /// Coins matching `query` on CoinGecko's `/search` (cached 15 minutes); what it finds joins
    /// the local catalog, so a coin found once resolves from then on.
    pub async fn look_up(
        &self,
        store: &Store,
        query: &str,
        now: i64,
    ) -> Result<Vec<Listing>, RatesError> {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(found) = self.searches.get(&query).await {
            return Ok(found.as_ref().clone());
        }
        let connection = self.connection(store).await?;
        let found = connection.client.search(&query).await?;
        db::save_listings(store, &found, "search", now).await?;
        self.searches.insert(query, Arc::new(found.clone())).await;
        Ok(found)
    }

    /// Downloads the catalog now if this vault never had it: a wallet scan needs its table of
    /// token contracts before the sync loop's daily download comes round.
    pub async fn ensure_catalog(&self, store: &Store, now: i64) -> Result<(), RatesError> {
        if self.catalog_downloaded(store).await? {
            return Ok(());
        }
        let connection = self.connection(store).await?;
        let before = self.calls_made();
        self.refresh_catalog_if_due(&connection, store, now).await;
        let calls = self.calls_made().wrapping_sub(before);
        db::add_calls(store, &super::budget::month_key(now), calls).await?;
        Ok(())
    }

    /// Whether the full coin catalog (`/coins/list`) was ever downloaded into this vault.
    pub async fn catalog_downloaded(&self, store: &Store) -> Result<bool, RatesError> {
        Ok(db::fetched_at(store, CATALOG_DOWNLOADED).await?.is_some())
    }
}
