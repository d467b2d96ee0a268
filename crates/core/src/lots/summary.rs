//! Realized and unrealized profit and loss from a [`LotBook`]: per coin, per account and for the
//! portfolio, realized over a period, unrealized at today's prices; and the rows of a gains report.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;
use specta::Type;

use super::{Disposal, Lot, LotBook, Method, Scope};
use crate::clock::{UnixTime, SECONDS_PER_DAY};
use crate::currency::Currency;
use crate::ids::AccountId;
use crate::money::Amount;
use crate::valuation::OutOfRange;

/// Realized over a period and unrealized now, by method.
#[derive(Debug, Clone, PartialEq, Serialize, Type, utoipa::ToSchema)]
pub struct ProfitLoss {
    pub method: Method,
    pub scope: Scope,
    pub currency: Currency,
    /// The period realized figures cover, `[from, to)`; `None` for since the first entry / until now.
    pub from: Option<UnixTime>,
    pub to: Option<UnixTime>,
    /// Gains less losses of the disposals in the period whose proceeds and cost are known.
    pub realized: Decimal,
    /// Today's value less cost of the units held whose cost and price are known.
    pub unrealized: Decimal,
    /// What the units held cost, where known.
    pub cost_remaining: Decimal,
    /// Disposals in the period left out of `realized` for want of a price or a cost.
    pub incomplete: u32,
    pub coins: Vec<CoinProfit>,
    pub accounts: Vec<AccountProfit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type, utoipa::ToSchema)]
pub struct CoinProfit {
    pub coin: String,
    /// "Bitcoin (BTC)".
    pub coin_label: String,
    pub amount: Amount,
    pub realized: Decimal,
    /// `None` when no unit held has both a price now and a known cost.
    pub unrealized: Option<Decimal>,
    pub cost_remaining: Decimal,
    /// Units held whose cost the ledger does not know (counted in no cost).
    pub uncosted: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type, utoipa::ToSchema)]
pub struct AccountProfit {
    pub account: String,
    pub realized: Decimal,
    pub unrealized: Decimal,
    pub cost_remaining: Decimal,
}

/// One open lot as the coin's detail lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Type, utoipa::ToSchema)]
pub struct OpenLot {
    pub acquired_at: Option<UnixTime>,
    pub account: String,
    pub amount: Amount,
    pub cost: Option<Decimal>,
    pub unit_cost: Option<Decimal>,
    pub value: Option<Decimal>,
    pub unrealized: Option<Decimal>,
}

/// One row of the gains report.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct GainRow {
    pub disposed_at: UnixTime,
    pub acquired_at: Option<UnixTime>,
    pub coin: String,
    pub coin_label: String,
    pub account: String,
    pub amount: Amount,
    pub proceeds: Option<Decimal>,
    pub cost: Option<Decimal>,
    pub gain: Option<Decimal>,
    /// Whole days between acquisition and disposal.
    pub held_days: Option<i64>,
}

/// What the summary needs besides the book: names, today's prices, the period.
#[derive(Debug)]
pub struct Context<'a> {
    pub method: Method,
    pub scope: Scope,
    pub currency: Currency,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub accounts: &'a HashMap<AccountId, String>,
    pub labels: &'a HashMap<String, String>,
    pub prices: &'a HashMap<String, Decimal>,
}

impl Context<'_> {
    fn account(&self, id: AccountId) -> String {
        self.accounts
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    fn label(&self, coin: &str) -> String {
        self.labels
            .get(coin)
            .cloned()
            .unwrap_or_else(|| coin.to_owned())
    }

    fn in_period(&self, at: i64) -> bool {
        self.from.is_none_or(|from| at >= from) && self.to.is_none_or(|to| at < to)
    }
}

fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, OutOfRange> {
    a.checked_add(b).ok_or_else(|| OutOfRange::new(what))
}

/// A lot's value and unrealized gain at today's price.
fn lot_value(lot: &Lot, price: Option<Decimal>) -> (Option<Decimal>, Option<Decimal>) {
    let value = price.and_then(|p| p.checked_mul(lot.amount.to_decimal()));
    let unrealized = match (value, lot.cost) {
        (Some(v), Some(c)) => v.checked_sub(c),
        _ => None,
    };
    (value, unrealized)
}

pub fn profit_loss(book: &LotBook, cx: &Context<'_>) -> Result<ProfitLoss, OutOfRange> {
    #[derive(Default)]
    struct Sums {
        amount: Amount,
        realized: Decimal,
        unrealized: Decimal,
        /// Some unit has both a price and a known cost.
        counted: bool,
        cost: Decimal,
        uncosted: Amount,
    }
    let mut coins: BTreeMap<&str, Sums> = BTreeMap::new();
    let mut accounts: BTreeMap<AccountId, Sums> = BTreeMap::new();
    let mut incomplete = 0u32;
    for d in book.disposals.iter().filter(|d| cx.in_period(d.at)) {
        let Some(gain) = d.gain() else {
            incomplete += 1;
            continue;
        };
        let coin = coins.entry(&d.asset).or_default();
        coin.realized = add(coin.realized, gain, "the realized gain")?;
        let account = accounts.entry(d.account).or_default();
        account.realized = add(account.realized, gain, "the realized gain")?;
    }
    for lot in &book.open {
        let price = cx.prices.get(&lot.asset).copied();
        let (_, unrealized) = lot_value(lot, price);
        for sums in [
            coins.entry(&lot.asset).or_default(),
            accounts.entry(lot.account).or_default(),
        ] {
            sums.amount = sums
                .amount
                .checked_add(lot.amount)
                .ok_or_else(|| OutOfRange::new("the amount held"))?;
            match lot.cost {
                Some(cost) => sums.cost = add(sums.cost, cost, "the cost held")?,
                None => {
                    sums.uncosted = sums
                        .uncosted
                        .checked_add(lot.amount)
                        .ok_or_else(|| OutOfRange::new("the amount held"))?
                }
            }
            if let Some(u) = unrealized {
                sums.unrealized = add(sums.unrealized, u, "the unrealized gain")?;
                sums.counted = true;
            }
        }
    }
    let mut total = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for s in accounts.values() {
        total.0 = add(total.0, s.realized, "the realized gain")?;
        total.1 = add(total.1, s.unrealized, "the unrealized gain")?;
        total.2 = add(total.2, s.cost, "the cost held")?;
    }
    Ok(ProfitLoss {
        method: cx.method,
        scope: cx.scope,
        currency: cx.currency.clone(),
        from: cx.from.map(UnixTime::from_seconds),
        to: cx.to.map(UnixTime::from_seconds),
        realized: total.0.normalize(),
        unrealized: total.1.normalize(),
        cost_remaining: total.2.normalize(),
        incomplete,
        coins: coins
            .into_iter()
            .map(|(coin, s)| CoinProfit {
                coin: coin.to_owned(),
                coin_label: cx.label(coin),
                amount: s.amount,
                realized: s.realized.normalize(),
                unrealized: s.counted.then_some(s.unrealized.normalize()),
                cost_remaining: s.cost.normalize(),
                uncosted: s.uncosted,
            })
            .collect(),
        accounts: accounts
            .into_iter()
            .map(|(id, s)| AccountProfit {
                account: cx.account(id),
                realized: s.realized.normalize(),
                unrealized: s.unrealized.normalize(),
                cost_remaining: s.cost.normalize(),
            })
            .collect(),
    })
}

/// The open lots of `coin`, oldest first.
pub fn open_lots(book: &LotBook, coin: &str, cx: &Context<'_>) -> Vec<OpenLot> {
    let price = cx.prices.get(coin).copied();
    book.open
        .iter()
        .filter(|lot| lot.asset == coin)
        .map(|lot| {
            let (value, unrealized) = lot_value(lot, price);
            OpenLot {
                acquired_at: lot.acquired_at.map(UnixTime::from_seconds),
                account: cx.account(lot.account),
                amount: lot.amount,
                cost: lot.cost,
                unit_cost: lot
                    .cost
                    .and_then(|c| c.checked_div(lot.amount.to_decimal())),
                value,
                unrealized,
            }
        })
        .collect()
}

/// The disposals in the period, oldest first.
pub fn gains(book: &LotBook, cx: &Context<'_>) -> Vec<GainRow> {
    book.disposals
        .iter()
        .filter(|d| cx.in_period(d.at))
        .map(|d: &Disposal| GainRow {
            disposed_at: UnixTime::from_seconds(d.at),
            acquired_at: d.acquired_at.map(UnixTime::from_seconds),
            coin: d.asset.clone(),
            coin_label: cx.label(&d.asset),
            account: cx.account(d.account),
            amount: d.amount,
            proceeds: d.proceeds,
            cost: d.cost,
            gain: d.gain().map(|g| g.normalize()),
            held_days: d.acquired_at.map(|a| (d.at - a).max(0) / SECONDS_PER_DAY),
        })
        .collect()
}
