//! The lots side of [`App`]: profit and loss, open lots, the gains report and its CSV, and the
//! cost-basis method setting.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::transfer::{write_error, WholeFile};
use super::App;
use crate::clock::{days_from_civil, UnixTime, SECONDS_PER_DAY};
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::events::Event;
use crate::ids::AccountId;
use crate::lots::history::{self, DayValue};
use crate::lots::load::{self, CostSettings, DailyPrices};
use crate::lots::summary::{self, Context, GainRow, OpenLot, ProfitLoss};
use crate::lots::{self, LotBook, LotEntry, Method, Scope};
use crate::rates::db as rates_db;
use crate::store::Store;
use crate::valuation::PriceBook;
use crate::{settings, Error};

/// Which figures to work out; absent fields take the vault's settings and the whole history.
#[derive(Debug, Clone, Default, Deserialize, Type, utoipa::ToSchema)]
pub struct ProfitQuery {
    /// A calendar year (UTC) for realized figures.
    #[specta(optional)]
    pub year: Option<i32>,
    #[specta(optional)]
    pub method: Option<Method>,
    #[specta(optional)]
    pub scope: Option<Scope>,
}

/// The disposals of a year, with their totals.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct GainsReport {
    pub method: Method,
    pub scope: Scope,
    pub currency: Currency,
    pub year: Option<i32>,
    pub rows: Vec<GainRow>,
    pub proceeds: Decimal,
    pub cost: Decimal,
    pub gain: Decimal,
    /// Rows left out of the totals for want of a price or a cost.
    pub incomplete: u32,
    /// Every UTC year with a disposal, whatever `year` is, newest first: the periods to offer.
    pub years: Vec<i32>,
}

/// The open lots of one coin.
#[derive(Debug, Clone, PartialEq, Serialize, Type, utoipa::ToSchema)]
pub struct CoinLots {
    pub method: Method,
    pub scope: Scope,
    pub currency: Currency,
    pub lots: Vec<OpenLot>,
}

/// A book with what it takes to describe it.
struct Books {
    book: LotBook,
    method: Method,
    scope: Scope,
    currency: Currency,
    accounts: HashMap<AccountId, String>,
    labels: HashMap<String, String>,
    prices: HashMap<String, Decimal>,
}

impl Books {
    fn context(&self, year: Option<i32>) -> Context<'_> {
        let (from, to) = match year {
            Some(y) => {
                let start = |y: i32| days_from_civil(i64::from(y), 1, 1) * SECONDS_PER_DAY;
                (Some(start(y)), Some(start(y.saturating_add(1))))
            }
            None => (None, None),
        };
        Context {
            method: self.method,
            scope: self.scope,
            currency: self.currency.clone(),
            from,
            to,
            accounts: &self.accounts,
            labels: &self.labels,
            prices: &self.prices,
        }
    }
}

/// Years a report may name: from Bitcoin's first to far beyond any ledger.
const YEARS: std::ops::RangeInclusive<i32> = 2009..=9999;

fn checked_year(year: Option<i32>) -> Result<Option<i32>, Error> {
    match year {
        Some(y) if !YEARS.contains(&y) => Err(Error::InvalidInput(format!(
            "{y} is not a year a report can cover (2009 to 9999)"
        ))),
        other => Ok(other),
    }
}

impl App {
    pub async fn cost_settings(&self) -> Result<CostSettings, Error> {
        Ok(load::cost_settings(&self.store().await?).await?)
    }

    pub async fn set_cost_settings(&self, settings: CostSettings) -> Result<(), Error> {
        load::set_cost_settings(&self.store().await?, settings).await?;
        // Every cost and P/L figure changes with the method.
        self.publish(Event::HoldingsChanged);
        Ok(())
    }

    /// Realized P/L over the year (or all time) and unrealized P/L now.
    pub async fn profit_loss(&self, query: &ProfitQuery) -> Result<ProfitLoss, Error> {
        let year = checked_year(query.year)?;
        let books = self.books(query.method, query.scope).await?;
        Ok(summary::profit_loss(&books.book, &books.context(year))?)
    }

    /// The open lots of `coin` (id or symbol), oldest first.
    pub async fn coin_lots(&self, coin: &str, method: Option<Method>) -> Result<CoinLots, Error> {
        let store = self.store().await?;
        let id = crate::assets::resolve_id(&store, coin).await?;
        let books = self.books(method, None).await?;
        Ok(CoinLots {
            method: books.method,
            scope: books.scope,
            currency: books.currency.clone(),
            lots: summary::open_lots(&books.book, id.as_str(), &books.context(None)),
        })
    }

    /// The disposals of `year` (all years when `None`).
    pub async fn gains(&self, query: &ProfitQuery) -> Result<GainsReport, Error> {
        let year = checked_year(query.year)?;
        let books = self.books(query.method, query.scope).await?;
        let rows = summary::gains(&books.book, &books.context(year));
        let mut report = GainsReport {
            method: books.method,
            scope: books.scope,
            currency: books.currency.clone(),
            year,
            proceeds: Decimal::ZERO,
            cost: Decimal::ZERO,
            gain: Decimal::ZERO,
            incomplete: 0,
            rows: Vec::new(),
            years: disposal_years(&books.book),
        };
        let overflow = || crate::valuation::OutOfRange::new("the gains report's totals");
        for row in &rows {
            match (row.proceeds, row.cost, row.gain) {
                (Some(p), Some(c), Some(g)) => {
                    report.proceeds = report.proceeds.checked_add(p).ok_or_else(overflow)?;
                    report.cost = report.cost.checked_add(c).ok_or_else(overflow)?;
                    report.gain = report.gain.checked_add(g).ok_or_else(overflow)?;
                }
                _ => report.incomplete += 1,
            }
        }
        report.rows = rows;
        Ok(report)
    }

    /// Writes the gains report as CSV to `path` (never one of the vault's own files), whole or
    /// not at all. Returns the rows written.
    pub async fn export_gains(&self, query: &ProfitQuery, path: &Path) -> Result<usize, Error> {
        let mut out = WholeFile::create(self, path)?;
        let report = self.gains(query).await?;
        write_gains_csv(out.file(), &report).map_err(|e| write_error(path, e))?;
        out.finish()?;
        Ok(report.rows.len())
    }

    async fn books(&self, method: Option<Method>, scope: Option<Scope>) -> Result<Books, Error> {
        let store = self.store().await?;
        let saved = load::cost_settings(&store).await?;
        let (method, scope) = (method.unwrap_or(saved.method), scope.unwrap_or(saved.scope));
        let (currency, _, entries) = valued_ledger(&store).await?;
        let book = lots::book(&entries, method, scope)?;
        let prices = current_prices(&store, &currency, &book).await?;
        Ok(Books {
            book,
            method,
            scope,
            currency,
            accounts: crate::accounts::list(&store)
                .await?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect(),
            labels: labels(&store, entries.iter().map(|e| e.asset.as_str())).await?,
            prices,
        })
    }
}

/// The base currency, the stored daily prices in it, and every ledger entry valued by them: what
/// the lot engine and the daily history both start from.
async fn valued_ledger(store: &Store) -> Result<(Currency, DailyPrices, Vec<LotEntry>), Error> {
    let currency = settings::load(store).await?.base_currency;
    let daily = DailyPrices::load(store, &currency).await?;
    let entries = load::entries(store, &currency, &daily).await?;
    Ok((currency, daily, entries))
}

async fn current_prices(
    store: &Store,
    currency: &Currency,
    book: &LotBook,
) -> Result<HashMap<String, Decimal>, Error> {
    let stored = rates_db::load_rates(store).await?;
    let fiat = crate::assets::fiat_ids(store).await?;
    let prices = PriceBook::new(&stored, currency, &fiat);
    Ok(book
        .open
        .iter()
        .filter_map(|lot| Some((lot.asset.clone(), prices.price(&lot.asset)?.price)))
        .collect())
}

/// Every UTC year with a disposal, newest first.
fn disposal_years(book: &LotBook) -> Vec<i32> {
    let years: BTreeSet<i32> = book
        .disposals
        .iter()
        .map(|d| crate::clock::civil_from_days(d.at.div_euclid(SECONDS_PER_DAY)).0)
        .filter_map(|year| i32::try_from(year).ok())
        .collect();
    years.into_iter().rev().collect()
}

/// [`crate::assets::labels`] of `coins` (asset ids, repeats allowed), by id.
pub(super) async fn labels<'a>(
    store: &Store,
    coins: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, String>, Error> {
    let ids: BTreeSet<CoinId> = coins.into_iter().filter_map(CoinId::parse).collect();
    let err = |e| store.error(e);
    let mut connection = store.pool().acquire().await.map_err(err)?;
    let labels = crate::assets::labels(&mut connection, &ids)
        .await
        .map_err(err)?;
    Ok(labels
        .into_iter()
        .map(|(id, label)| (id.as_str().to_owned(), label))
        .collect())
}

/// The report as CSV: one row per disposal and lot, dates in ISO 8601 UTC, decimals exact,
/// unknown figures empty; the method and currency on every row so a pasted excerpt keeps them.
fn write_gains_csv(out: impl Write, report: &GainsReport) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    let text = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
    csv.write_record([
        "disposed_at",
        "coin",
        "account",
        "amount",
        "proceeds",
        "cost",
        "gain",
        "acquired_at",
        "held_days",
        "currency",
        "method",
    ])?;
    for row in &report.rows {
        csv.write_record([
            row.disposed_at.to_string(),
            row.coin.clone(),
            row.account.clone(),
            row.amount.to_string(),
            text(row.proceeds),
            text(row.cost),
            text(row.gain),
            row.acquired_at.map(|a| a.to_string()).unwrap_or_default(),
            row.held_days.map(|d| d.to_string()).unwrap_or_default(),
            report.currency.to_string(),
            report.method.as_str().to_owned(),
        ])?;
    }
    csv.flush()
}

/// Which part of the portfolio a daily history covers: all of it by default.
#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct HistoryQuery {
    /// The first day (default: the first entry's).
    #[specta(optional)]
    pub from: Option<UnixTime>,
    /// One coin (id or symbol).
    #[specta(optional)]
    pub coin: Option<String>,
    /// One account, by name.
    #[specta(optional)]
    pub account: Option<String>,
}

impl App {
    /// Net worth per day from the first entry (or `from`) to today, with the money put in, for
    /// the whole portfolio or one coin or account. The whole portfolio's gaps are filled from
    /// the snapshots recorded that day (the last complete one), when there are any.
    pub async fn daily_history(&self, query: &HistoryQuery) -> Result<Vec<DayValue>, Error> {
        let store = self.store().await?;
        let coin = match &query.coin {
            Some(coin) => Some(crate::assets::resolve_id(&store, coin).await?),
            None => None,
        };
        let account = match &query.account {
            Some(name) => Some(crate::accounts::id_named(&store, name).await?),
            None => None,
        };
        let (currency, daily, mut entries) = valued_ledger(&store).await?;
        entries.retain(|e| {
            coin.as_ref().is_none_or(|c| e.asset == c.as_str())
                && account.is_none_or(|a| e.account == a)
        });
        let mut days = history::daily(
            &entries,
            &daily,
            currency.as_str(),
            query.from.map(UnixTime::seconds),
            self.now(),
        )?;
        if coin.is_none() && account.is_none() && days.iter().any(|d| d.value.is_none()) {
            let recorded = rates_db::daily_snapshots(&store, currency.as_str()).await?;
            history::fill_from_snapshots(&mut days, &recorded);
        }
        Ok(days)
    }
}
