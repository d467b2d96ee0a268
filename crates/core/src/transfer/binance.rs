//! Binance's exports. The transaction history ("Generate all statements"):
//! `User_ID,UTC_Time,Account,Operation,Coin,Change,Remark` (2020–23, UTC) and, from 2024, a BOM and
//! `User ID,Time,…` with two-digit years in the zone the person chose, which Binance names only in
//! the file name (`…(UTC+8)….csv`). Every row is one signed balance change; a trade is several rows
//! with the same time, so rows are grouped by time and a group with one coin in and one out is
//! priced each in the other. Operation names (60+) map by what they say: buys, sells, fees,
//! deposits, withdrawals, income, moves between Binance wallets; anything else keeps its sign as
//! an adjustment.
//!
//! The spot trade history: `Date(UTC),Pair,Side,Price,Executed,Amount,Fee` with the asset glued to
//! each amount (`0.1800000000SOL`), or the older `Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee
//! Coin`; a zone in the date column's name (`Date(UTC+1)`) is honoured.

use super::dates::{describe_offset, parse_zone, zone_in_file_name};
use super::layout::{self, error, inflow, leg, outflow, Cells, Context, Header, Layout, Out};
use super::number::{self, split_unit};
use super::{FieldError, ImportFormat, ParsedRow};
use crate::ledger::EntryKind;
use crate::money::Amount;

/// Quote currencies a market without a separator can end with, longest first.
const QUOTES: [&str; 26] = [
    "FDUSD", "USDT", "BUSD", "USDC", "TUSD", "USDP", "BIDR", "IDRT", "EUR", "GBP", "TRY", "BRL",
    "AUD", "RUB", "UAH", "NGN", "ZAR", "PLN", "RON", "ARS", "JPY", "BTC", "ETH", "BNB", "DAI",
    "XRP",
];

struct HistoryColumns {
    time: Option<usize>,
    operation: Option<usize>,
    coin: Option<usize>,
    change: Option<usize>,
    remark: Option<usize>,
}

struct History {
    columns: HistoryColumns,
    offset: i64,
    zone_note: Option<String>,
    /// Legs sharing the current time, held until the time changes.
    group: Vec<(u64, ParsedRow)>,
}

pub fn history_layout(header: &Header, context: &Context) -> Option<Box<dyn Layout>> {
    if !header.has_all(&["account", "operation", "coin", "change"]) {
        return None;
    }
    let classic = header.find("utc_time");
    let time = classic.or_else(|| header.find("time"))?;
    let (offset, zone_note) = match (context.utc_offset, classic) {
        (Some(offset), _) => (offset, Some(format!("times read as {}, as chosen", describe_offset(offset)))),
        (None, Some(_)) => (0, None),
        (None, None) => match zone_in_file_name(&context.file_name) {
            Some(offset) => (
                offset,
                Some(format!("times read as {}, the zone named in the file name", describe_offset(offset))),
            ),
            None => (
                0,
                Some("times read as UTC: the file name does not name the zone Binance used (…(UTC+8)….csv); choose it if it was another".into()),
            ),
        },
    };
    Some(Box::new(History {
        columns: HistoryColumns {
            time: Some(time),
            operation: header.find("operation"),
            coin: header.find("coin"),
            change: header.find("change"),
            remark: header.find("remark"),
        },
        offset,
        zone_note,
        group: Vec::new(),
    }))
}

/// What an operation does to the balance, by the words in its name.
fn operation_kind(operation: &str, positive: bool) -> EntryKind {
    let op = operation.to_lowercase();
    let has = |word: &str| op.contains(word);
    let by_sign = |inflow, outflow| if positive { inflow } else { outflow };
    if has("fee") {
        EntryKind::Fee
    } else if has("deposit") && !has("withdraw") {
        EntryKind::Deposit
    } else if has("withdraw") {
        EntryKind::Withdrawal
    } else if has("transfer")
        || has("subscription")
        || has("redemption")
        || has("redeem")
        || has("purchase") && has("earn")
    {
        EntryKind::Transfer
    } else if has("interest")
        || has("reward")
        || has("distribution")
        || has("airdrop")
        || has("cashback")
        || has("commission")
        || has("bonus")
        || has("rebate")
        || has("income")
        || has("dividend")
        || has("mining")
    {
        EntryKind::Reward
    } else if has("buy")
        || has("sell")
        || has("sold")
        || has("spend")
        || has("revenue")
        || has("convert")
        || has("trade")
        || has("exchange")
        || has("transaction")
    {
        by_sign(EntryKind::Buy, EntryKind::Sell)
    } else {
        EntryKind::Adjustment
    }
}

impl History {
    /// Prices a finished group that is one coin in for one coin out, then hands it on.
    fn flush(&mut self, out: &mut Vec<Out>) {
        let trades: Vec<usize> = (0..self.group.len())
            .filter(|&i| matches!(self.group[i].1.kind, EntryKind::Buy | EntryKind::Sell))
            .collect();
        if let [a, b] = trades.as_slice() {
            let (a, b) = (*a, *b);
            let (first, second) = self.group.split_at_mut(b);
            let (x, y) = (&mut first[a].1, &mut second[0].1);
            if x.coin != y.coin {
                layout::price_each_other(x, y);
            }
        }
        out.extend(self.group.drain(..).map(|(line, leg)| Out::Leg(line, leg)));
    }
}

impl Layout for History {
    fn format(&self) -> ImportFormat {
        ImportFormat::Binance
    }

    fn account(&self) -> Option<&'static str> {
        Some("Binance")
    }

    fn notes(&self) -> Vec<String> {
        self.zone_note.iter().cloned().collect()
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError> {
        let c = &self.columns;
        let at = cells.time(c.time, "UTC_Time", self.offset)?;
        let coin = cells.get(c.coin);
        if coin.is_empty() {
            return Err(error("Coin", "the coin is empty"));
        }
        let change = cells.amount(c.change, "Change")?;
        if change.is_zero() {
            out.push(Out::Skip(line, "the change is 0".into()));
            return Ok(());
        }
        let operation = cells.get(c.operation);
        let mut one = leg(
            at,
            coin,
            change,
            operation_kind(operation, !change.is_negative()),
        );
        let remark = cells.get(c.remark);
        one.note = Some(if remark.is_empty() {
            operation.to_owned()
        } else {
            format!("{operation}: {remark}")
        });
        if self
            .group
            .first()
            .is_some_and(|(_, first)| first.occurred_at != at)
        {
            self.flush(out);
        }
        self.group.push((line, one));
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<Out>) {
        self.flush(out);
    }
}

enum TradeColumns {
    /// `Date(UTC),Pair,Side,Price,Executed,Amount,Fee`: amounts carry their asset.
    Suffixed {
        pair: Option<usize>,
        side: Option<usize>,
        executed: Option<usize>,
        amount: Option<usize>,
        fee: Option<usize>,
    },
    /// `Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin`.
    Market {
        market: Option<usize>,
        side: Option<usize>,
        amount: Option<usize>,
        total: Option<usize>,
        fee: Option<usize>,
        fee_coin: Option<usize>,
    },
}

struct Trades {
    date: Option<usize>,
    columns: TradeColumns,
    offset: i64,
    zone_note: Option<String>,
}

pub fn trades_layout(header: &Header, context: &Context) -> Option<Box<dyn Layout>> {
    let date = header.find_by(|n| n.starts_with("date(utc"))?;
    let named = &header.names()[date];
    // `date(utc+1)`, `date(utc)`, even `date(utcnull)`.
    let zone = named
        .trim_start_matches("date(")
        .trim_end_matches(')')
        .to_uppercase();
    let header_offset = parse_zone(&zone);
    let columns = if header.has_all(&["pair", "side", "executed", "amount", "fee"]) {
        TradeColumns::Suffixed {
            pair: header.find("pair"),
            side: header.find("side"),
            executed: header.find("executed"),
            amount: header.find("amount"),
            fee: header.find("fee"),
        }
    } else if header.has_all(&["market", "type", "amount", "total", "fee", "fee coin"]) {
        TradeColumns::Market {
            market: header.find("market"),
            side: header.find("type"),
            amount: header.find("amount"),
            total: header.find("total"),
            fee: header.find("fee"),
            fee_coin: header.find("fee coin"),
        }
    } else {
        return None;
    };
    let offset = context.utc_offset.or(header_offset).unwrap_or(0);
    let zone_note = (header_offset.is_none() && context.utc_offset.is_none()).then(|| {
        format!("the date column ({named}) names no zone Binance meant; times read as UTC")
    });
    Some(Box::new(Trades {
        date: Some(date),
        columns,
        offset,
        zone_note,
    }))
}

fn split_market(market: &str) -> Option<(String, String)> {
    let market = market.trim().to_uppercase();
    if let Some((base, quote)) = market.split_once(['/', '-', '_']) {
        return Some((base.to_owned(), quote.to_owned()));
    }
    QUOTES
        .iter()
        .find(|q| market.len() > q.len() && market.ends_with(*q))
        .map(|q| (market[..market.len() - q.len()].to_owned(), (*q).to_owned()))
}

impl Trades {
    /// An amount with its asset glued on, the asset told apart using the pair's two sides.
    fn suffixed(
        cells: &Cells<'_>,
        column: Option<usize>,
        name: &'static str,
        units: &[&str],
    ) -> Result<Option<(Amount, String)>, FieldError> {
        let text = cells.get(column);
        if text.is_empty() {
            return Ok(None);
        }
        let (value, unit) = split_unit(text, units).ok_or_else(|| {
            error(
                name,
                format!("'{text}' is not an amount with its asset, like 0.18SOL"),
            )
        })?;
        let amount = number::amount(value, cells.style).map_err(|reason| error(name, reason))?;
        Ok(Some((amount, unit.to_uppercase())))
    }
}

impl Layout for Trades {
    fn format(&self) -> ImportFormat {
        ImportFormat::BinanceTrades
    }

    fn account(&self) -> Option<&'static str> {
        Some("Binance")
    }

    fn notes(&self) -> Vec<String> {
        self.zone_note.iter().cloned().collect()
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError> {
        let at = cells.time(self.date, "Date(UTC)", self.offset)?;
        let (side, base, quote, fee) = match &self.columns {
            TradeColumns::Suffixed {
                pair,
                side,
                executed,
                amount,
                fee,
            } => {
                let pair_text = cells.get(*pair).to_uppercase();
                let executed_text = cells.get(*executed).to_uppercase();
                let amount_text = cells.get(*amount).to_uppercase();
                // The pair's split is the one where Executed ends with the base and Amount with the quote.
                let split = (1..pair_text.len())
                    .filter(|&i| pair_text.is_char_boundary(i))
                    .map(|i| pair_text.split_at(i))
                    .find(|(b, q)| executed_text.ends_with(b) && amount_text.ends_with(q));
                let units: Vec<&str> = split.map(|(b, q)| vec![b, q]).unwrap_or_default();
                let base = Self::suffixed(cells, *executed, "Executed", &units)?
                    .ok_or_else(|| error("Executed", "the executed amount is empty"))?;
                let quote = Self::suffixed(cells, *amount, "Amount", &units)?
                    .ok_or_else(|| error("Amount", "the amount is empty"))?;
                let fee = Self::suffixed(cells, *fee, "Fee", &units)?;
                (cells.get(*side), base, quote, fee)
            }
            TradeColumns::Market {
                market,
                side,
                amount,
                total,
                fee,
                fee_coin,
            } => {
                let market_text = cells.get(*market);
                let (base_coin, quote_coin) = split_market(market_text).ok_or_else(|| {
                    error(
                        "Market",
                        format!(
                            "'{market_text}' is not a market this importer can split (like BNBBTC)"
                        ),
                    )
                })?;
                let base = (cells.amount(*amount, "Amount")?, base_coin);
                let quote = (cells.amount(*total, "Total")?, quote_coin);
                let fee = match (cells.optional_amount(*fee, "Fee")?, cells.text(*fee_coin)) {
                    (Some(value), Some(coin)) => Some((value, coin.to_uppercase())),
                    (Some(value), None) if !value.is_zero() => {
                        return Err(error("Fee Coin", "a fee needs its coin"));
                    }
                    _ => None,
                };
                (cells.get(*side), base, quote, fee)
            }
        };
        let buy = match side.to_uppercase().as_str() {
            "BUY" => true,
            "SELL" => false,
            other => return Err(error("Side", format!("'{other}' is not BUY or SELL"))),
        };
        let (mut base_leg, mut quote_leg) = if buy {
            (
                leg(at, &base.1, inflow(base.0), EntryKind::Buy),
                leg(at, &quote.1, outflow(quote.0), EntryKind::Sell),
            )
        } else {
            (
                leg(at, &base.1, outflow(base.0), EntryKind::Sell),
                leg(at, &quote.1, inflow(quote.0), EntryKind::Buy),
            )
        };
        layout::price_each_other(&mut base_leg, &mut quote_leg);
        out.push(Out::Leg(line, base_leg));
        out.push(Out::Leg(line, quote_leg));
        if let Some((value, coin)) = fee.filter(|(v, _)| !v.is_zero()) {
            out.push(Out::Leg(
                line,
                leg(at, &coin, outflow(value), EntryKind::Fee),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_map_by_what_they_say() {
        let cases = [
            ("Deposit", true, EntryKind::Deposit),
            ("Withdraw", false, EntryKind::Withdrawal),
            ("Buy", true, EntryKind::Buy),
            ("Sell", false, EntryKind::Sell),
            ("Fee", false, EntryKind::Fee),
            ("Transaction Fee", false, EntryKind::Fee),
            ("Transaction Buy", true, EntryKind::Buy),
            ("Transaction Spend", false, EntryKind::Sell),
            ("Transaction Revenue", true, EntryKind::Buy),
            ("Transaction Sold", false, EntryKind::Sell),
            ("Distribution", true, EntryKind::Reward),
            ("Simple Earn Flexible Interest", true, EntryKind::Reward),
            (
                "Simple Earn Flexible Subscription",
                false,
                EntryKind::Transfer,
            ),
            (
                "Transfer Between Main and Funding Wallet",
                false,
                EntryKind::Transfer,
            ),
            ("Small Assets Exchange BNB", true, EntryKind::Buy),
            ("Binance Convert", false, EntryKind::Sell),
            ("Fiat Deposit", true, EntryKind::Deposit),
            ("Something New", true, EntryKind::Adjustment),
        ];
        for (operation, positive, want) in cases {
            assert_eq!(operation_kind(operation, positive), want, "{operation}");
        }
    }

    #[test]
    fn markets_split_by_their_quote() {
        assert_eq!(split_market("BNBBTC"), Some(("BNB".into(), "BTC".into())));
        assert_eq!(
            split_market("SOLFDUSD"),
            Some(("SOL".into(), "FDUSD".into()))
        );
        assert_eq!(
            split_market("ETH/USDT"),
            Some(("ETH".into(), "USDT".into()))
        );
        assert_eq!(split_market("NOPE"), None);
    }
}
