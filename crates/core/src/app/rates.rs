//! The rates side of [`App`]: settings, refresh, valuation, manual prices, history, search and
//! the sync cycle.

use std::time::Duration;

use rust_decimal::Decimal;
use serde::Serialize;
use specta::Type;

use super::App;
use crate::clock::UnixTime;
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::events::{CycleReport, Event};
use crate::money::Price;
use crate::rates::{self, budget, db as rates_db, Listing, StoredRate};
use crate::settings::{self, RatesSettings, RatesSettingsChange};
use crate::store::Store;
use crate::valuation::{self, NetWorthPoint, PriceBook, Valuation};
use crate::{holdings, Error};

/// The most points a net-worth chart gets: more than a chart's width in pixels, far fewer than
/// a year of snapshots.
pub const NET_WORTH_POINTS: u32 = 720;

/// One price as `rates` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct RateView {
    pub coin: CoinId,
    /// The coin for people, "Bitcoin (BTC)".
    pub coin_label: Option<String>,
    pub currency: Currency,
    pub price: Option<Decimal>,
    pub change_24h: Option<Decimal>,
    pub age_seconds: Option<i64>,
    pub overridden: bool,
}

/// Rates, valuation and the sync cycle.
impl App {
    pub async fn rates_settings(&self) -> Result<RatesSettings, Error> {
        let mut stored = settings::load(&self.store().await?).await?;
        stored.plan = self.rates.plan(&stored);
        Ok(stored)
    }

    pub async fn update_rates_settings(&self, change: &RatesSettingsChange) -> Result<(), Error> {
        settings::update(&self.store().await?, change).await?;
        self.touch();
        Ok(())
    }

    /// Fetches what is due from CoinGecko and stores it.
    pub async fn refresh_rates(&self) -> Result<rates::RefreshReport, Error> {
        let store = self.store().await?;
        let also = watched(&store).await?;
        let report = self.rates.refresh(&store, &also, self.now()).await?;
        self.touch();
        Ok(report)
    }

    /// The portfolio's value in `currency` (default: the base currency) from last known prices.
    pub async fn valuation(&self, currency: Option<&str>) -> Result<Valuation, Error> {
        let store = self.store().await?;
        let currency = match currency {
            Some(c) => checked_currency(c)?,
            None => settings::load(&store).await?.base_currency,
        };
        self.valuation_in(&store, &currency).await
    }

    async fn valuation_in(&self, store: &Store, currency: &Currency) -> Result<Valuation, Error> {
        let held = holdings::list(store).await?;
        let stored = rates_db::load_rates(store).await?;
        let fiat = crate::assets::fiat_ids(store).await?;
        let book = PriceBook::new(&stored, currency, &fiat);
        Ok(valuation::value(held, &book, self.now())?)
    }

    /// Last known prices in the base currency: of `coins` (ids or symbols), or of every coin
    /// priced so far.
    pub async fn rates(&self, coins: &[String]) -> Result<Vec<RateView>, Error> {
        let store = self.store().await?;
        let currency = settings::load(&store).await?.base_currency;
        let stored = rates_db::load_rates(&store).await?;
        let now = self.now();
        let view = |coin: CoinId, rate: Option<&StoredRate>| RateView {
            coin,
            coin_label: None,
            currency: currency.clone(),
            price: rate.map(|r| r.price),
            change_24h: rate.and_then(|r| r.change_24h),
            age_seconds: rate.map(|r| (now - r.fetched_at).max(0)),
            overridden: rate.is_some_and(|r| r.overridden),
        };
        if coins.is_empty() {
            let mut all: Vec<RateView> = stored
                .iter()
                .filter(|r| r.currency == currency)
                .map(|r| view(r.coin.clone(), Some(r)))
                .collect();
            all.sort_by(|a, b| a.coin.cmp(&b.coin));
            return labelled(&store, all).await;
        }
        let mut views = Vec::with_capacity(coins.len());
        for coin in coins {
            let id = crate::assets::resolve_id(&store, coin).await?;
            let rate = stored
                .iter()
                .find(|r| r.coin == id && r.currency == currency);
            views.push(view(id, rate));
        }
        labelled(&store, views).await
    }

    /// Sets the user's own price for a coin (it wins over CoinGecko's), or clears it (`None`).
    pub async fn set_price_override(
        &self,
        coin: &str,
        price: Option<Decimal>,
        currency: Option<&str>,
    ) -> Result<(), Error> {
        let price = price
            .map(Price::new)
            .transpose()
            .map_err(|e| Error::InvalidInput(format!("price override: {e}")))?;
        let store = self.store().await?;
        let id = crate::assets::resolve_id(&store, coin).await?;
        let currency = match currency {
            Some(c) => checked_currency(c)?,
            None => settings::load(&store).await?.base_currency,
        };
        rates_db::set_override(&store, &id, &currency, price, self.now()).await?;
        self.touch();
        Ok(())
    }

    /// Price points of `coin` over the last `days` (cached `/market_chart`).
    pub async fn price_history(
        &self,
        coin: &str,
        currency: Option<&str>,
        days: u32,
    ) -> Result<Vec<(i64, Decimal)>, Error> {
        let store = self.store().await?;
        let id = crate::assets::resolve_id(&store, coin).await?;
        let currency = match currency {
            Some(c) => checked_currency(c)?,
            None => settings::load(&store).await?.base_currency,
        };
        Ok(self
            .rates
            .history(&store, &id, &currency, days.max(1), self.now())
            .await?)
    }

    /// Recorded portfolio totals in the base currency since `since` (Unix seconds), oldest
    /// first, at most about [`NET_WORTH_POINTS`] of them.
    pub async fn net_worth_history(&self, since: i64) -> Result<Vec<NetWorthPoint>, Error> {
        let store = self.store().await?;
        let currency = settings::load(&store).await?.base_currency;
        let points =
            rates_db::snapshots(&store, &currency, since, self.now(), NET_WORTH_POINTS).await?;
        Ok(points
            .into_iter()
            .map(|(at, total, missing_prices)| NetWorthPoint {
                at: UnixTime::from_seconds(at),
                total,
                missing_prices,
            })
            .collect())
    }

    /// Coins matching `query` (CoinGecko `/search`, or the local catalog offline).
    pub async fn search_coins(&self, query: &str) -> Result<Vec<Listing>, Error> {
        Ok(self
            .rates
            .search(&self.store().await?, query, self.now())
            .await?)
    }

    /// One whole sync cycle: fetch and store rates, snapshot the portfolio, plan the next one.
    pub async fn sync_cycle(&self) -> Result<CycleReport, Error> {
        let store = self.store().await?;
        let now = self.now();
        let also = watched(&store).await?;
        let refresh = self.rates.refresh(&store, &also, now).await;
        self.save_requests(&store).await;
        let refresh = refresh?;
        let currency = settings::load(&store).await?.base_currency;
        // Holdings and rates are read once and shared by the alerts and the snapshot.
        let held = holdings::list(&store).await?;
        let stored = rates_db::load_rates(&store).await?;
        let alerts_fired = self.evaluate_alerts(&store, &held, &stored, now).await?;
        let fiat = crate::assets::fiat_ids(&store).await?;
        let book = PriceBook::new(&stored, &currency, &fiat);
        let valuation = valuation::value(held, &book, now)?;
        rates_db::record_snapshot(
            &store,
            now,
            &valuation.currency,
            valuation.total,
            valuation.missing_prices.len(),
        )
        .await?;
        let report = CycleReport {
            at: UnixTime::from_seconds(now),
            calls: refresh.calls,
            updated: refresh.updated,
            missing: refresh.missing,
            total: valuation.total,
            currency: valuation.currency,
            alerts_fired,
            next_interval: self.planned_interval(refresh.calls).await,
        };
        self.publish(Event::RatesUpdated(report.clone()));
        for alert in &report.alerts_fired {
            self.publish(Event::AlertFired(alert.clone()));
        }
        Ok(report)
    }

    /// The interval until the next cycle: the chosen one, stretched to the plan's budget.
    pub async fn planned_interval(&self, calls_per_cycle: u32) -> Duration {
        let fallback = Duration::from_secs(u64::from(settings::DEFAULT_REFRESH_SECONDS));
        let Ok(store) = self.store().await else {
            return fallback;
        };
        let now = self.now();
        let (Ok(stored), Ok(used)) = (
            settings::load(&store).await,
            rates_db::calls_in(&store, &budget::month_key(now)).await,
        ) else {
            return fallback;
        };
        budget::effective_interval(
            stored.refresh_interval(),
            self.rates.plan(&stored),
            calls_per_cycle,
            used,
            now,
        )
    }
}

pub(super) fn checked_currency(text: &str) -> Result<Currency, Error> {
    Currency::parse(text).ok_or_else(|| {
        Error::InvalidInput(format!(
            "'{text}' is not a currency CoinGecko prices in (e.g. usd, eur, gbp, jpy, btc)"
        ))
    })
}

/// What alert rules watch, priced in the same batched request as the holdings (no extra calls).
async fn watched(store: &Store) -> Result<rates::AlsoPriced, Error> {
    let (coins, currencies) = crate::alerts::db::watched(store)
        .await
        .map_err(crate::rates::RatesError::from)?;
    Ok(rates::AlsoPriced { coins, currencies })
}

/// Gives each rate its coin's name and symbol, in one read.
async fn labelled(store: &Store, mut views: Vec<RateView>) -> Result<Vec<RateView>, Error> {
    let err = |e| store.error(e);
    let mut connection = store.pool().acquire().await.map_err(err)?;
    let labels = crate::assets::labels(&mut connection, views.iter().map(|view| &view.coin))
        .await
        .map_err(err)?;
    for view in &mut views {
        view.coin_label = labels.get(&view.coin).cloned();
    }
    Ok(views)
}
