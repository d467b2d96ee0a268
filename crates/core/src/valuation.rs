//! What the portfolio is worth: holdings times last known prices, exact to the last digit. A
//! holding without a price is listed as missing and adds nothing, never counted as zero-priced.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use serde::Serialize;
use specta::Type;

use crate::clock::UnixTime;
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::holdings::Holding;
use crate::rates::{StoredRate, CROSS_COIN};

/// A price usable for valuation in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookPrice {
    pub price: Decimal,
    /// Percent over 24 hours, when known.
    pub change_24h: Option<Decimal>,
    /// Unix seconds: when the price was fetched or set.
    pub as_of: i64,
    pub overridden: bool,
    /// `change / (100 + change)`: the share of today's value gained in 24 hours, computed once
    /// per coin so valuing many holdings multiplies instead of dividing.
    gain_share: Option<Decimal>,
}

impl BookPrice {
    fn new(price: Decimal, change_24h: Option<Decimal>, as_of: i64, overridden: bool) -> Self {
        let gain_share = change_24h.and_then(|pct| {
            let base = Decimal::ONE_HUNDRED.checked_add(pct)?;
            base.is_sign_positive()
                .then(|| pct.checked_div(base))
                .flatten()
        });
        Self {
            price,
            change_24h,
            as_of,
            overridden,
            gain_share,
        }
    }
}

/// Prices of everything valued in one currency, fiat included.
#[derive(Debug, Clone)]
pub struct PriceBook {
    currency: Currency,
    prices: HashMap<CoinId, BookPrice>,
}

impl PriceBook {
    /// Builds the book for `currency` from stored rates. `fiat` are the fiat asset ids: the base
    /// currency is worth exactly 1, others are crossed through bitcoin.
    pub fn new(rates: &[StoredRate], currency: &Currency, fiat: &HashSet<String>) -> Self {
        let mut prices: HashMap<CoinId, BookPrice> = rates
            .iter()
            .filter(|r| r.currency == *currency)
            .map(|r| {
                (
                    r.coin.clone(),
                    BookPrice::new(r.price, r.change_24h, r.fetched_at, r.overridden),
                )
            })
            .collect();
        let cross = prices.get(CROSS_COIN).cloned();
        for id in fiat {
            if *currency == id.as_str() {
                prices.insert(
                    CoinId::from_stored(id.clone()),
                    BookPrice::new(Decimal::ONE, Some(Decimal::ZERO), i64::MAX, false),
                );
                continue;
            }
            let in_fiat = rates
                .iter()
                .find(|r| r.coin == CROSS_COIN && r.currency == id.as_str());
            if let (Some(base), Some(other)) = (&cross, in_fiat) {
                if let Some(price) = base.price.checked_div(other.price) {
                    let as_of = base.as_of.min(other.fetched_at);
                    prices.insert(
                        CoinId::from_stored(id.clone()),
                        BookPrice::new(price, None, as_of, false),
                    );
                }
            }
        }
        Self {
            currency: currency.clone(),
            prices,
        }
    }

    pub fn currency(&self) -> &Currency {
        &self.currency
    }

    pub fn price(&self, coin: &str) -> Option<&BookPrice> {
        self.prices.get(coin)
    }
}

/// One recorded total of the portfolio (the net-worth chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct NetWorthPoint {
    /// Unix seconds.
    pub at: UnixTime,
    pub total: Decimal,
    /// Holdings that had no price then (the total leaves them out).
    pub missing_prices: u32,
}

/// One holding with its value (written as the holding's fields and these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct ValuedHolding {
    #[serde(flatten)]
    pub holding: Holding,
    pub price: Option<Decimal>,
    pub value: Option<Decimal>,
    /// Percent over 24 hours.
    pub change_24h: Option<Decimal>,
    /// Seconds since the price was fetched or set.
    pub price_age_seconds: Option<i64>,
    pub price_overridden: bool,
    /// Value minus cost, when the cost is known in the valuation currency.
    pub unrealized_pnl: Option<Decimal>,
}

/// The whole portfolio's value in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct Valuation {
    pub currency: Currency,
    pub total: Decimal,
    /// Change of the total over 24 hours, from the holdings whose 24h change is known.
    pub change_24h: Option<Decimal>,
    /// That change in percent of the total 24 hours ago (2 decimals).
    pub change_24h_percent: Option<Decimal>,
    /// Unix seconds of the oldest price used (`null` when none was).
    pub as_of: Option<UnixTime>,
    /// Value minus cost over the holdings whose cost is known in this currency.
    pub unrealized_pnl: Option<Decimal>,
    /// What those holdings cost.
    pub cost_basis: Option<Decimal>,
    pub holdings: Vec<ValuedHolding>,
    /// One line per coin across accounts, most valuable first (the allocation by asset).
    pub assets: Vec<AssetSummary>,
    /// One line per account, most valuable first (the allocation by account).
    pub accounts: Vec<AccountSummary>,
    /// Coin ids held without a known price.
    pub missing_prices: Vec<CoinId>,
}

/// A coin's holdings summed over every account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct AssetSummary {
    pub coin: CoinId,
    pub symbol: String,
    pub name: String,
    pub amount: Decimal,
    pub price: Option<Decimal>,
    pub value: Option<Decimal>,
    /// Percent of the portfolio's total (2 decimals).
    pub share: Option<Decimal>,
    /// The price's percent change over 24 hours.
    pub change_24h: Option<Decimal>,
    /// Known only when every account's cost is known in this currency.
    pub unrealized_pnl: Option<Decimal>,
}

/// An account's holdings, valued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct AccountSummary {
    pub account: String,
    pub value: Decimal,
    /// Percent of the portfolio's total (2 decimals).
    pub share: Option<Decimal>,
}

/// A figure too large to compute exactly (more than 28 significant digits), naming what it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} is too large to compute exactly: check the amounts and prices involved")]
pub struct OutOfRange {
    /// What was being computed, e.g. "the value of bitcoin in Manual".
    pub what: String,
}

impl OutOfRange {
    pub(crate) fn new(what: impl Into<String>) -> Self {
        Self { what: what.into() }
    }
}

/// Checked decimal arithmetic that names what overflowed.
fn add(a: Decimal, b: Decimal, what: impl FnOnce() -> String) -> Result<Decimal, OutOfRange> {
    a.checked_add(b).ok_or_else(|| OutOfRange::new(what()))
}

/// Values `holdings` with `book` at `now` (Unix seconds). Takes the holdings by value: their
/// names move into the result instead of being copied.
///
/// Errors: [`OutOfRange`] naming the holding or total whose figure exceeds what a `Decimal`
/// holds exactly; never a panic, whatever the amounts and prices.
pub fn value(holdings: Vec<Holding>, book: &PriceBook, now: i64) -> Result<Valuation, OutOfRange> {
    let mut total = Decimal::ZERO;
    let mut change = Decimal::ZERO;
    let mut any_change = false;
    let mut as_of: Option<i64> = None;
    let mut missing: Vec<CoinId> = Vec::new();
    let mut valued: Vec<ValuedHolding> = Vec::with_capacity(holdings.len());
    for h in holdings {
        let of_holding = |figure: &str| format!("the {figure} of {} in {}", h.coin, h.account);
        let quote = book.price(&h.coin);
        let amount = h.amount.to_decimal();
        let value = match quote {
            Some(q) => Some(
                amount
                    .checked_mul(q.price)
                    .ok_or_else(|| OutOfRange::new(of_holding("value")))?,
            ),
            None => None,
        };
        match (quote, value) {
            (Some(q), Some(v)) => {
                total = add(total, v, || "the portfolio's total".to_owned())?;
                if q.as_of != i64::MAX {
                    as_of = Some(as_of.map_or(q.as_of, |a| a.min(q.as_of)));
                }
                // value - value / (1 + pct/100) = value * pct / (100 + pct): the 24h gain.
                if let Some(share) = q.gain_share {
                    let gain = v
                        .checked_mul(share)
                        .ok_or_else(|| OutOfRange::new(of_holding("24-hour change")))?;
                    change = add(change, gain, || "the portfolio's 24-hour change".to_owned())?;
                    any_change = true;
                }
            }
            _ if !missing.contains(&h.coin) => missing.push(h.coin.clone()),
            _ => {}
        }
        let unrealized_pnl = match (value, h.average_cost, h.cost_currency.as_deref()) {
            (Some(v), Some(cost), Some(cur)) if *book.currency() == cur => Some(
                amount
                    .checked_mul(cost)
                    .and_then(|paid| v.checked_sub(paid))
                    .ok_or_else(|| OutOfRange::new(of_holding("profit or loss")))?,
            ),
            _ => None,
        };
        valued.push(ValuedHolding {
            holding: h,
            price: quote.map(|q| q.price),
            value: value.map(|v| v.normalize()),
            change_24h: quote.and_then(|q| q.change_24h),
            price_age_seconds: quote
                .filter(|q| q.as_of != i64::MAX)
                .map(|q| now.saturating_sub(q.as_of).max(0)),
            price_overridden: quote.is_some_and(|q| q.overridden),
            unrealized_pnl,
        });
    }
    let (unrealized_pnl, cost_basis) = cost_totals(&valued)?;
    let yesterday = total
        .checked_sub(change)
        .ok_or_else(|| OutOfRange::new("the portfolio's total 24 hours ago"))?;
    Ok(Valuation {
        currency: book.currency().clone(),
        total: total.normalize(),
        change_24h: any_change.then(|| change.round_dp(8).normalize()),
        change_24h_percent: any_change.then(|| share_of(change, yesterday)).flatten(),
        as_of: as_of.map(UnixTime::from_seconds),
        unrealized_pnl,
        cost_basis,
        assets: summarize_assets(&valued, total)?,
        accounts: summarize_accounts(&valued, total)?,
        holdings: valued,
        missing_prices: missing,
    })
}

/// Percent of `total`, to 2 decimals; none of an empty portfolio, nor when the share itself is
/// beyond range (a negative holding can make a share of any size).
fn share_of(value: Decimal, total: Decimal) -> Option<Decimal> {
    if total.is_zero() {
        return None;
    }
    // Multiplying first keeps every digit; dividing first keeps values near Decimal::MAX in range.
    value
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|v| v.checked_div(total))
        .or_else(|| {
            value
                .checked_div(total)
                .and_then(|s| s.checked_mul(Decimal::ONE_HUNDRED))
        })
        .map(|share| share.round_dp(2).normalize())
}

/// Total P/L and cost over the holdings whose cost is known (`None` when none is).
fn cost_totals(valued: &[ValuedHolding]) -> Result<(Option<Decimal>, Option<Decimal>), OutOfRange> {
    let mut pnl: Option<Decimal> = None;
    let mut cost: Option<Decimal> = None;
    for h in valued {
        if let (Some(p), Some(v)) = (h.unrealized_pnl, h.value) {
            let paid = v.checked_sub(p).ok_or_else(|| {
                OutOfRange::new(format!(
                    "the cost of {} in {}",
                    h.holding.coin, h.holding.account
                ))
            })?;
            pnl = Some(add(pnl.unwrap_or_default(), p, || {
                "the portfolio's profit or loss".to_owned()
            })?);
            cost = Some(add(cost.unwrap_or_default(), paid, || {
                "the portfolio's cost basis".to_owned()
            })?);
        }
    }
    Ok((pnl.map(|d| d.normalize()), cost.map(|d| d.normalize())))
}

/// Summaries in the order their keys first appear, each found again by its key in one lookup.
struct Grouped<'a, T> {
    index: HashMap<&'a str, usize>,
    items: Vec<T>,
}

impl<T> Default for Grouped<'_, T> {
    fn default() -> Self {
        Self {
            index: HashMap::new(),
            items: Vec::new(),
        }
    }
}

impl<'a, T> Grouped<'a, T> {
    /// The summary of `key`, made by `first` the first time the key is seen.
    fn entry(&mut self, key: &'a str, first: impl FnOnce() -> T) -> &mut T {
        let items = &mut self.items;
        let at = *self.index.entry(key).or_insert_with(|| {
            items.push(first());
            items.len() - 1
        });
        &mut self.items[at]
    }
}

fn summarize_assets(
    valued: &[ValuedHolding],
    total: Decimal,
) -> Result<Vec<AssetSummary>, OutOfRange> {
    let mut assets = Grouped::default();
    for h in valued {
        let asset = assets.entry(h.holding.coin.as_str(), || AssetSummary {
            coin: h.holding.coin.clone(),
            symbol: h.holding.symbol.clone(),
            name: h.holding.name.clone(),
            amount: Decimal::ZERO,
            price: h.price,
            value: h.price.map(|_| Decimal::ZERO),
            share: None,
            change_24h: h.change_24h,
            unrealized_pnl: Some(Decimal::ZERO),
        });
        let of_coin = |figure: &str| format!("the {figure} of all {}", h.holding.coin);
        asset.amount = add(asset.amount, h.holding.amount.to_decimal(), || {
            of_coin("amount")
        })?;
        asset.value = match asset.value.zip(h.value) {
            Some((a, b)) => Some(add(a, b, || of_coin("value"))?),
            None => None,
        };
        asset.unrealized_pnl = match asset.unrealized_pnl.zip(h.unrealized_pnl) {
            Some((a, b)) => Some(add(a, b, || of_coin("profit or loss"))?),
            None => None,
        };
    }
    let mut assets = assets.items;
    for asset in &mut assets {
        asset.amount = asset.amount.normalize();
        asset.value = asset.value.map(|d| d.normalize());
        asset.unrealized_pnl = asset.unrealized_pnl.map(|d| d.normalize());
        asset.share = asset.value.and_then(|v| share_of(v, total));
    }
    assets.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.name.cmp(&b.name)));
    Ok(assets)
}

fn summarize_accounts(
    valued: &[ValuedHolding],
    total: Decimal,
) -> Result<Vec<AccountSummary>, OutOfRange> {
    let mut accounts = Grouped::default();
    for h in valued {
        let account = accounts.entry(h.holding.account.as_str(), || AccountSummary {
            account: h.holding.account.clone(),
            value: Decimal::ZERO,
            share: None,
        });
        account.value = add(account.value, h.value.unwrap_or_default(), || {
            format!("the value of the account {}", h.holding.account)
        })?;
    }
    let mut accounts = accounts.items;
    for account in &mut accounts {
        account.value = account.value.normalize();
        account.share = share_of(account.value, total);
    }
    accounts.sort_by(|a, b| {
        b.value
            .cmp(&a.value)
            .then_with(|| a.account.cmp(&b.account))
    });
    Ok(accounts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Amount;

    fn valued(holdings: Vec<Holding>, book: &PriceBook, now: i64) -> Valuation {
        value(holdings, book, now).unwrap_or_else(|e| panic!("{e}"))
    }

    fn holding(coin: &str, amount: &str) -> Holding {
        Holding {
            account: "Manual".into(),
            coin: CoinId::from_stored(coin.into()),
            symbol: coin.into(),
            name: coin.into(),
            amount: amount.parse().unwrap_or(Amount::ZERO),
            average_cost: None,
            cost_currency: None,
        }
    }

    fn rate(coin: &str, currency: &str, price: &str, fetched_at: i64) -> StoredRate {
        StoredRate {
            coin: CoinId::from_stored(coin.into()),
            currency: Currency::parse(currency).unwrap_or_else(Currency::usd),
            price: price.parse().unwrap_or_default(),
            change_24h: None,
            fetched_at,
            last_updated_at: None,
            overridden: false,
        }
    }

    #[test]
    fn value_is_exact_to_the_last_digit() {
        let rates = [rate("pepe", "usd", "0.0000869", 1_000)];
        let book = PriceBook::new(&rates, &Currency::usd(), &HashSet::new());
        let held = [holding("pepe", "0.1"), holding("pepe", "0.2")];
        let valuation = valued(held.to_vec(), &book, 1_060);
        assert_eq!(valuation.total.to_string(), "0.00002607");
        assert_eq!(valuation.holdings[0].price_age_seconds, Some(60));
        assert_eq!(valuation.as_of, Some(UnixTime::from_seconds(1_000)));
    }

    #[test]
    fn missing_prices_are_listed_not_zero() {
        let rates = [rate("bitcoin", "usd", "50000", 0)];
        let book = PriceBook::new(&rates, &Currency::usd(), &HashSet::new());
        let valuation = valued(
            vec![holding("bitcoin", "1"), holding("unpriced", "5")],
            &book,
            0,
        );
        assert_eq!(valuation.total.to_string(), "50000");
        assert_eq!(valuation.missing_prices, ["unpriced"]);
        assert_eq!(valuation.holdings[1].value, None);
    }

    #[test]
    fn fiat_is_one_in_its_own_currency_and_crossed_through_bitcoin_otherwise() {
        let fiat: HashSet<String> = ["usd".to_owned(), "eur".to_owned()].into();
        let rates = [
            rate("bitcoin", "usd", "60000", 0),
            rate("bitcoin", "eur", "50000", 0),
        ];
        let book = PriceBook::new(&rates, &Currency::usd(), &fiat);
        let valuation = valued(vec![holding("usd", "10"), holding("eur", "100")], &book, 0);
        assert_eq!(valuation.total.to_string(), "130");
        assert!(valuation.missing_prices.is_empty());
    }

    #[test]
    fn the_24h_change_and_profit_come_from_the_same_prices() {
        let mut r = rate("bitcoin", "usd", "110", 0);
        r.change_24h = Some(Decimal::TEN);
        let book = PriceBook::new(&[r], &Currency::usd(), &HashSet::new());
        let mut h = holding("bitcoin", "2");
        h.average_cost = Some(Decimal::ONE_HUNDRED);
        h.cost_currency = Some("usd".into());
        let valuation = valued(vec![h], &book, 0);
        assert_eq!(
            valuation.change_24h.map(|c| c.to_string()).as_deref(),
            Some("20")
        );
        let percent = valuation.change_24h_percent.map(|c| c.to_string());
        assert_eq!(percent.as_deref(), Some("10"), "20 on the 200 of a day ago");
        assert_eq!(
            valuation.holdings[0]
                .unrealized_pnl
                .map(|p| p.to_string())
                .as_deref(),
            Some("20")
        );
    }

    #[test]
    fn assets_and_accounts_are_summed_exactly_with_their_shares() {
        let rates = [
            rate("bitcoin", "usd", "30000.5", 1_000),
            rate("pepe", "usd", "0.0000001", 1_000),
        ];
        let book = PriceBook::new(&rates, &Currency::usd(), &HashSet::new());
        let mut ledger = holding("bitcoin", "0.5");
        ledger.account = "Ledger".into();
        ledger.average_cost = Some("20000".parse().unwrap_or_default());
        ledger.cost_currency = Some("usd".into());
        let held = vec![
            holding("bitcoin", "0.25"),
            ledger,
            holding("pepe", "3"),
            holding("nope", "1"),
        ];
        let v = valued(held, &book, 1_000);
        assert_eq!(v.total.to_string(), "22500.3750003");
        let btc = &v.assets[0];
        assert_eq!(
            (btc.coin.as_str(), btc.amount.to_string()),
            ("bitcoin", "0.75".into())
        );
        assert_eq!(
            btc.value.map(|d| d.to_string()).as_deref(),
            Some("22500.375")
        );
        assert_eq!(btc.share.map(|d| d.to_string()).as_deref(), Some("100"));
        assert_eq!(
            btc.unrealized_pnl, None,
            "the Manual account's cost is unknown"
        );
        assert_eq!(
            v.unrealized_pnl.map(|d| d.to_string()).as_deref(),
            Some("5000.25")
        );
        assert_eq!(
            v.cost_basis.map(|d| d.to_string()).as_deref(),
            Some("10000")
        );
        assert_eq!(
            v.assets.last().map(|a| (a.coin.as_str(), a.value)),
            Some(("nope", None))
        );
        let accounts: Vec<(&str, String)> = v
            .accounts
            .iter()
            .map(|a| (a.account.as_str(), a.value.to_string()))
            .collect();
        assert_eq!(
            accounts,
            [
                ("Ledger", "15000.25".into()),
                ("Manual", "7500.1250003".into())
            ]
        );
        assert_eq!(
            v.accounts[0].share.map(|d| d.to_string()).as_deref(),
            Some("66.67")
        );
    }

    #[test]
    fn the_reported_overflow_is_valued_exactly() {
        // 10^16 bitcoin at 10^11 each used to panic computing the share (issue 17).
        let rates = [rate("bitcoin", "usd", "100000000000", 0)];
        let book = PriceBook::new(&rates, &Currency::usd(), &HashSet::new());
        let v = valued(vec![holding("bitcoin", "10000000000000000")], &book, 0);
        assert_eq!(v.total.to_string(), "1000000000000000000000000000");
        assert_eq!(
            v.assets[0].share.map(|s| s.to_string()).as_deref(),
            Some("100")
        );
    }

    #[test]
    fn a_total_beyond_range_names_what_overflowed() {
        let rates = [rate("bitcoin", "usd", "1000000000000000", 0)];
        let book = PriceBook::new(&rates, &Currency::usd(), &HashSet::new());
        let mut second = holding("bitcoin", "50000000000000");
        second.account = "Ledger".into();
        let error = value(vec![holding("bitcoin", "50000000000000"), second], &book, 0).err();
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some("the portfolio's total is too large to compute exactly: check the amounts and prices involved")
        );
    }

    mod extremes {
        use proptest::prelude::*;

        use super::*;
        use crate::money::extremes::decimal;

        fn amount() -> impl Strategy<Value = Amount> {
            prop_oneof![
                Just(Amount::from_atoms(i128::MAX)),
                Just(Amount::from_atoms(i128::MIN + 1)),
                any::<i128>().prop_map(Amount::from_atoms),
                any::<i64>().prop_map(|n| Amount::from_atoms(i128::from(n))),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2_000))]

            /// Any amounts, prices, 24h changes and costs: a valuation or a typed error.
            #[test]
            fn valuing_extremes_never_panics(
                held in proptest::collection::vec((0usize..3, amount(), proptest::option::of(decimal())), 0..6),
                prices in proptest::collection::vec((decimal(), proptest::option::of(decimal())), 3),
            ) {
                let coins = ["a", "b", "c"];
                let rates: Vec<StoredRate> = prices
                    .iter()
                    .zip(coins)
                    .map(|((price, change), coin)| StoredRate {
                        change_24h: *change,
                        ..rate(coin, "usd", &price.to_string(), 0)
                    })
                    .collect();
                let book = PriceBook::new(&rates, &Currency::usd(), &HashSet::new());
                let holdings = held
                    .into_iter()
                    .map(|(coin, amount, cost)| Holding {
                        amount,
                        average_cost: cost,
                        cost_currency: cost.map(|_| "usd".to_owned()),
                        ..holding(coins[coin], "0")
                    })
                    .collect();
                if let Ok(v) = value(holdings, &book, i64::MIN) {
                    prop_assert!(v.holdings.iter().all(|h| h.price_age_seconds.is_none_or(|a| a >= 0)));
                }
            }
        }
    }
}
