//! Rates on disk (inside the encrypted database): last known prices, price history, manual
//! overrides, the cached coin catalog and what each cached resource cost. Bulk writes go through
//! one `json_each` statement each: one round trip for a thousand rows.

use rust_decimal::Decimal;
use serde_json::json;

use super::client::{FetchedQuote, Listing};
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::money::Price;
use crate::store::{Store, StoreError};

/// A last known price, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRate {
    pub coin: CoinId,
    pub currency: Currency,
    pub price: Decimal,
    pub change_24h: Option<Decimal>,
    /// Unix seconds: when we fetched it (or when the user set an override).
    pub fetched_at: i64,
    /// Unix seconds: when CoinGecko last updated it.
    pub last_updated_at: Option<i64>,
    pub overridden: bool,
}

fn corrupt(store: &Store) -> StoreError {
    StoreError::Corrupt(store.path().to_path_buf())
}

/// Stores fetched prices and their history points in one transaction. Quotes without a price
/// leave the last known one in place (it ages) rather than writing a zero.
pub async fn save_quotes(
    store: &Store,
    quotes: &[FetchedQuote],
    fetched_at: i64,
) -> Result<usize, StoreError> {
    let rows: Vec<serde_json::Value> = quotes
        .iter()
        .filter_map(|q| {
            let price = q.price?;
            Some(json!([
                q.coin,
                q.currency,
                price.to_string(),
                q.change_24h.map(|c| c.to_string()),
                q.last_updated_at,
            ]))
        })
        .collect();
    let rows_json = serde_json::Value::Array(rows.clone()).to_string();
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    // Only coins the catalog knows (the foreign key); the request only asks for those.
    sqlx::query(
        "INSERT INTO rates (asset_id, vs_currency, price, change_24h, last_updated_at, fetched_at) \
         SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, ? \
         FROM json_each(?) r WHERE EXISTS (SELECT 1 FROM assets WHERE id = r.value ->> 0) \
         ON CONFLICT (asset_id, vs_currency) DO UPDATE SET price = excluded.price, \
         change_24h = excluded.change_24h, last_updated_at = excluded.last_updated_at, \
         fetched_at = excluded.fetched_at",
    )
    .bind(fetched_at)
    .bind(&rows_json)
    .execute(&mut *tx)
    .await
    .map_err(err)?;
    sqlx::query(
        "INSERT OR IGNORE INTO price_history (asset_id, vs_currency, at, price) \
         SELECT r.value ->> 0, r.value ->> 1, coalesce(r.value ->> 4, ?), r.value ->> 2 \
         FROM json_each(?) r WHERE EXISTS (SELECT 1 FROM assets WHERE id = r.value ->> 0)",
    )
    .bind(fetched_at)
    .bind(&rows_json)
    .execute(&mut *tx)
    .await
    .map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(rows.len())
}

/// Every last known price, with manual overrides in place of fetched ones.
pub async fn load_rates(store: &Store) -> Result<Vec<StoredRate>, StoreError> {
    let json: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_array(asset_id, vs_currency, price, change_24h, fetched_at, \
         last_updated_at, overridden)) FROM ( \
           SELECT o.asset_id, o.vs_currency, o.price, NULL AS change_24h, o.set_at AS fetched_at, \
                  NULL AS last_updated_at, 1 AS overridden FROM price_overrides o \
           UNION ALL \
           SELECT r.asset_id, r.vs_currency, r.price, r.change_24h, r.fetched_at, \
                  r.last_updated_at, 0 FROM rates r \
           WHERE NOT EXISTS (SELECT 1 FROM price_overrides o \
                             WHERE o.asset_id = r.asset_id AND o.vs_currency = r.vs_currency))",
    )
    .fetch_one(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    type Row = (
        CoinId,
        String,
        String,
        Option<String>,
        i64,
        Option<i64>,
        i64,
    );
    let rows: Vec<Row> =
        serde_json::from_str(json.as_deref().unwrap_or("[]")).map_err(|_| corrupt(store))?;
    rows.into_iter()
        .map(
            |(coin, currency, price, change, fetched_at, updated, overridden)| {
                Ok(StoredRate {
                    coin,
                    currency: Currency::parse(&currency).ok_or_else(|| corrupt(store))?,
                    price: price.parse().map_err(|_| corrupt(store))?,
                    change_24h: change.and_then(|c| c.parse().ok()),
                    fetched_at,
                    last_updated_at: updated,
                    overridden: overridden != 0,
                })
            },
        )
        .collect()
}

/// Sets (`Some`) or clears (`None`) the user's own price for a coin.
pub async fn set_override(
    store: &Store,
    coin: &str,
    currency: &str,
    price: Option<Price>,
    now: i64,
) -> Result<(), StoreError> {
    let query = match price {
        Some(price) => sqlx::query(
            "INSERT INTO price_overrides (asset_id, vs_currency, price, set_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (asset_id, vs_currency) DO UPDATE SET price = excluded.price, \
             set_at = excluded.set_at",
        )
        .bind(coin)
        .bind(currency)
        .bind(price.to_string())
        .bind(now),
        None => sqlx::query("DELETE FROM price_overrides WHERE asset_id = ? AND vs_currency = ?")
            .bind(coin)
            .bind(currency),
    };
    query
        .execute(store.pool())
        .await
        .map_err(|e| store.error(e))?;
    Ok(())
}

/// Adds coins from `/coins/list` or `/search` to the catalog (names and symbols updated; fiat and
/// ranks untouched).
pub async fn save_listings(
    store: &Store,
    listings: &[Listing],
    resource: &str,
    now: i64,
) -> Result<(), StoreError> {
    let rows: Vec<serde_json::Value> = listings
        .iter()
        .filter(|l| !l.id.is_empty())
        .map(|l| json!([l.id, l.symbol, l.name]))
        .collect();
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    sqlx::query(
        "INSERT INTO assets (id, symbol, name, kind) \
         SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, 'coin' FROM json_each(?) r WHERE true \
         ON CONFLICT (id) DO UPDATE SET symbol = excluded.symbol, name = excluded.name \
         WHERE assets.kind = 'coin'",
    )
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(&mut *tx)
    .await
    .map_err(err)?;
    if resource == "coins_list" {
        crate::assets::contracts::replace_all(&mut tx, listings)
            .await
            .map_err(err)?;
    }
    mark_fetched(&mut tx, resource, now).await.map_err(err)?;
    tx.commit().await.map_err(err)
}

/// Replaces every market-cap rank with those of `/coins/markets` (the top coins).
pub async fn save_ranks(store: &Store, ranked: &[Listing], now: i64) -> Result<(), StoreError> {
    let rows: Vec<serde_json::Value> = ranked
        .iter()
        .filter_map(|l| Some(json!([l.id, l.symbol, l.name, l.market_cap_rank?])))
        .collect();
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    sqlx::query("UPDATE assets SET market_cap_rank = NULL WHERE market_cap_rank IS NOT NULL")
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    sqlx::query(
        "INSERT INTO assets (id, symbol, name, kind, market_cap_rank) \
         SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, 'coin', r.value ->> 3 \
         FROM json_each(?) r WHERE true \
         ON CONFLICT (id) DO UPDATE SET market_cap_rank = excluded.market_cap_rank \
         WHERE assets.kind = 'coin'",
    )
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(&mut *tx)
    .await
    .map_err(err)?;
    mark_fetched(&mut tx, "coins_markets", now)
        .await
        .map_err(err)?;
    tx.commit().await.map_err(err)
}

async fn mark_fetched(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    resource: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO fetch_log (resource, fetched_at) VALUES (?, ?) \
         ON CONFLICT (resource) DO UPDATE SET fetched_at = excluded.fetched_at",
    )
    .bind(resource)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Records that `resource` was fetched (or attempted) at `now`.
pub async fn record_fetch(store: &Store, resource: &str, now: i64) -> Result<(), StoreError> {
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    mark_fetched(&mut tx, resource, now).await.map_err(err)?;
    tx.commit().await.map_err(err)
}

/// When `resource` was last fetched.
pub async fn fetched_at(store: &Store, resource: &str) -> Result<Option<i64>, StoreError> {
    sqlx::query_scalar("SELECT fetched_at FROM fetch_log WHERE resource = ?")
        .bind(resource)
        .fetch_optional(store.pool())
        .await
        .map_err(|e| store.error(e))
}

/// Adds `calls` to the month's count of CoinGecko calls.
pub async fn add_calls(store: &Store, month: &str, calls: u32) -> Result<(), StoreError> {
    if calls == 0 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO api_usage (month, calls) VALUES (?, ?) \
         ON CONFLICT (month) DO UPDATE SET calls = calls + excluded.calls",
    )
    .bind(month)
    .bind(calls)
    .execute(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    Ok(())
}

/// CoinGecko calls made in `month` (`YYYY-MM`).
pub async fn calls_in(store: &Store, month: &str) -> Result<u64, StoreError> {
    let calls: Option<i64> = sqlx::query_scalar("SELECT calls FROM api_usage WHERE month = ?")
        .bind(month)
        .fetch_optional(store.pool())
        .await
        .map_err(|e| store.error(e))?;
    Ok(calls.and_then(|c| u64::try_from(c).ok()).unwrap_or(0))
}

/// Stored history points of a coin in a currency since `since` (Unix seconds), oldest first.
pub async fn history(
    store: &Store,
    coin: &str,
    currency: &str,
    since: i64,
) -> Result<Vec<(i64, Decimal)>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT at, price FROM price_history WHERE asset_id = ? AND vs_currency = ? AND at >= ? \
         ORDER BY at",
    )
    .bind(coin)
    .bind(currency)
    .bind(since)
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    rows.into_iter()
        .map(|(at, price)| Ok((at, price.parse().map_err(|_| corrupt(store))?)))
        .collect()
}

/// Stores chart points (from `/market_chart`) in the history, and when they were fetched.
pub async fn save_history(
    store: &Store,
    coin: &str,
    currency: &str,
    points: &[(i64, Decimal)],
    resource: &str,
    now: i64,
) -> Result<(), StoreError> {
    let rows: Vec<serde_json::Value> = points
        .iter()
        .map(|(at, price)| json!([at, price.to_string()]))
        .collect();
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    sqlx::query(
        "INSERT OR REPLACE INTO price_history (asset_id, vs_currency, at, price) \
         SELECT ?, ?, r.value ->> 0, r.value ->> 1 FROM json_each(?) r",
    )
    .bind(coin)
    .bind(currency)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(&mut *tx)
    .await
    .map_err(err)?;
    mark_fetched(&mut tx, resource, now).await.map_err(err)?;
    tx.commit().await.map_err(err)
}

/// The recorded totals in `currency` since `since`, oldest first, thinned to at most about
/// `max_points` (the last snapshot of each equal time slice) so a year of 5-minute snapshots
/// still draws as one quick chart.
pub async fn snapshots(
    store: &Store,
    currency: &str,
    since: i64,
    until: i64,
    max_points: u32,
) -> Result<Vec<(i64, Decimal, u32)>, StoreError> {
    let first: Option<i64> =
        sqlx::query_scalar("SELECT MIN(at) FROM snapshots WHERE currency = ? AND at >= ?")
            .bind(currency)
            .bind(since)
            .fetch_one(store.pool())
            .await
            .map_err(|e| store.error(e))?;
    let Some(first) = first else {
        return Ok(Vec::new());
    };
    let slice = ((until - first) / i64::from(max_points.max(1))).max(1);
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT at, total, missing_prices FROM snapshots WHERE currency = ?1 AND at IN \
         (SELECT MAX(at) FROM snapshots WHERE currency = ?1 AND at >= ?2 GROUP BY (at - ?2) / ?3) \
         ORDER BY at",
    )
    .bind(currency)
    .bind(first)
    .bind(slice)
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    rows.into_iter()
        .map(|(at, total, missing)| {
            let total = total.parse::<Decimal>().map_err(|_| corrupt(store))?;
            Ok((at, total, u32::try_from(missing).unwrap_or(u32::MAX)))
        })
        .collect()
}

/// The last snapshot with every price known of each UTC day, by day number.
pub async fn daily_snapshots(
    store: &Store,
    currency: &str,
) -> Result<std::collections::HashMap<i64, Decimal>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT at, total FROM snapshots WHERE currency = ?1 AND at IN \
         (SELECT MAX(at) FROM snapshots WHERE currency = ?1 AND missing_prices = 0 \
          GROUP BY at / 86400)",
    )
    .bind(currency)
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    rows.into_iter()
        .map(|(at, total)| {
            let total = total.parse::<Decimal>().map_err(|_| corrupt(store))?;
            Ok((at.div_euclid(86_400), total))
        })
        .collect()
}

/// Writes one portfolio snapshot (the net-worth history).
pub async fn record_snapshot(
    store: &Store,
    at: i64,
    currency: &str,
    total: Decimal,
    missing_prices: usize,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT OR REPLACE INTO snapshots (at, currency, total, missing_prices) VALUES (?, ?, ?, ?)",
    )
    .bind(at)
    .bind(currency)
    .bind(total.to_string())
    .bind(i64::try_from(missing_prices).unwrap_or(i64::MAX))
    .execute(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    Ok(())
}
