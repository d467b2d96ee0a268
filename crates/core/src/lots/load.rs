//! Reads the ledger for the engine: every entry, valued in the report currency where the ledger
//! or the stored daily prices can say what it was worth.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::LotEntry;
use crate::clock::SECONDS_PER_DAY as DAY;
use crate::currency::Currency;
use crate::ids::AccountId;
use crate::ledger::EntryKind;
use crate::money::Amount;
use crate::store::{Store, StoreError};
use crate::transfer::native;

/// Decimal places an entry's value keeps (see the engine's share places).
const VALUE_PLACES: u32 = 10;

/// Daily prices in the report currency, by coin and UTC day (the day's first stored price).
#[derive(Debug, Default)]
pub struct DailyPrices(HashMap<String, HashMap<i64, Decimal>>);

impl DailyPrices {
    pub async fn load(store: &Store, currency: &Currency) -> Result<Self, StoreError> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT asset_id, at, price FROM price_history WHERE vs_currency = ? ORDER BY at",
        )
        .bind(currency.as_str())
        .fetch_all(store.pool())
        .await
        .map_err(|e| store.error(e))?;
        Ok(Self::from_rows(rows.into_iter().filter_map(
            |(asset, at, price)| Some((asset, at, price.parse::<Decimal>().ok()?)),
        )))
    }

    /// From `(coin, unix seconds, price)` in time order; the first price of a day stands for it.
    pub fn from_rows(rows: impl IntoIterator<Item = (String, i64, Decimal)>) -> Self {
        let mut prices: HashMap<String, HashMap<i64, Decimal>> = HashMap::new();
        for (asset, at, price) in rows {
            prices
                .entry(asset)
                .or_default()
                .entry(at.div_euclid(DAY))
                .or_insert(price);
        }
        Self(prices)
    }

    /// The price of `asset` on the UTC day of `at`.
    pub fn on(&self, asset: &str, at: i64) -> Option<Decimal> {
        self.0.get(asset)?.get(&at.div_euclid(DAY)).copied()
    }
}

type Row = (
    i64,
    i64,
    AccountId,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
);

/// Every entry of the ledger, valued in `currency`.
pub async fn entries(
    store: &Store,
    currency: &Currency,
    daily: &DailyPrices,
) -> Result<Vec<LotEntry>, StoreError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT entries.id, occurred_at, account_id, asset_id, amount, entries.kind, price, \
         price_currency, link, assets.kind = 'fiat' \
         FROM entries JOIN assets ON assets.id = entries.asset_id",
    )
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, at, account, asset, amount, kind, price, price_currency, link, fiat) in rows {
        // Rows are written by the app; one that does not read back is left out, not guessed.
        let (Ok(amount), Some(kind)) = (amount.parse::<Amount>(), native::parse_kind(&kind)) else {
            continue;
        };
        let price = price.and_then(|p| p.parse::<Decimal>().ok());
        let value = value(
            currency,
            &asset,
            fiat,
            (amount, kind),
            at,
            price,
            price_currency.as_deref(),
            daily,
        );
        out.push(LotEntry {
            id,
            at,
            account,
            asset,
            fiat,
            amount,
            kind,
            value,
            link,
        });
    }
    Ok(out)
}

/// What an entry was worth in `currency`: its own amount for that fiat; its price when quoted in
/// it; its price times the quote's daily price when quoted in another coin; else, for a trade or
/// income, the coin's own daily price; else unknown. A deposit or withdrawal with no price keeps
/// an unknown value: what it cost was paid elsewhere, and the day's price would invent it.
#[allow(clippy::too_many_arguments)]
fn value(
    currency: &Currency,
    asset: &str,
    fiat: bool,
    (amount, kind): (Amount, EntryKind),
    at: i64,
    price: Option<Decimal>,
    quoted_in: Option<&str>,
    daily: &DailyPrices,
) -> Option<Decimal> {
    let at_market = matches!(kind, EntryKind::Buy | EntryKind::Sell | EntryKind::Reward);
    let units = amount.to_decimal().abs();
    let unit_value = if asset == currency.as_str() {
        Some(Decimal::ONE)
    } else if fiat {
        None
    } else {
        match (price, quoted_in) {
            (Some(p), Some(q)) if q == currency.as_str() => Some(p),
            (Some(p), Some(q)) => daily
                .on(q, at)
                .and_then(|d| p.checked_mul(d))
                .or_else(|| daily.on(asset, at).filter(|_| at_market)),
            _ => daily.on(asset, at).filter(|_| at_market),
        }
    }?;
    Some(
        units
            .checked_mul(unit_value)?
            .round_dp(VALUE_PLACES)
            .normalize(),
    )
}

const COST_METHOD: &str = "cost_method";
const COST_SCOPE: &str = "cost_scope";

/// How lots are matched, a setting of the vault (default FIFO per account).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, specta::Type,
)]
pub struct CostSettings {
    pub method: super::Method,
    pub scope: super::Scope,
}

pub async fn cost_settings(store: &Store) -> Result<CostSettings, StoreError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings WHERE key IN (?, ?)")
            .bind(COST_METHOD)
            .bind(COST_SCOPE)
            .fetch_all(store.pool())
            .await
            .map_err(|e| store.error(e))?;
    let mut settings = CostSettings::default();
    for (key, value) in rows {
        // A damaged value falls back like a missing one.
        match key.as_str() {
            COST_METHOD => settings.method = super::Method::parse(&value).unwrap_or_default(),
            _ => settings.scope = super::Scope::parse(&value).unwrap_or_default(),
        }
    }
    Ok(settings)
}

pub async fn set_cost_settings(store: &Store, settings: CostSettings) -> Result<(), StoreError> {
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    for (key, value) in [
        (COST_METHOD, settings.method.as_str()),
        (COST_SCOPE, settings.scope.as_str()),
    ] {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    }
    tx.commit().await.map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn income_takes_the_days_price_and_a_bare_deposit_stays_unknown() {
        let usd = Currency::usd();
        let daily = DailyPrices::from_rows([("bitcoin".to_owned(), 86_400, Decimal::from(100))]);
        let worth = |kind, price: Option<(i64, &str)>| {
            let amount: Amount = "2".parse().unwrap_or_default();
            let (p, q) = price.map_or((None, None), |(p, q)| (Some(Decimal::from(p)), Some(q)));
            value(&usd, "bitcoin", false, (amount, kind), 90_000, p, q, &daily)
        };
        assert_eq!(worth(EntryKind::Reward, None), Some(Decimal::from(200)));
        assert_eq!(worth(EntryKind::Deposit, None), None);
        assert_eq!(
            worth(EntryKind::Deposit, Some((150, "usd"))),
            Some(Decimal::from(300))
        );
        assert_eq!(
            worth(EntryKind::Sell, Some((3, "ethereum"))),
            Some(Decimal::from(200))
        );
    }
}
