//! Kraken's exports. `ledgers.csv`, every header generation (`txid,refid,time,type,[subtype,]
//! aclass,[subclass,]asset,[wallet,]amount,fee,balance[,amountusd…]`): one row per balance change,
//! the fee beside it; a trade is two rows sharing a `refid`, paired here so each side is priced in
//! the other; a deposit listed first as pending (no `txid`) and again once confirmed is imported
//! once. `trades.csv` (`txid,ordertxid,pair,time,type,…,price,cost,fee,vol,…`): a trade is the
//! base leg, the quote leg and the fee. Asset codes (`XXBT`, `ZEUR`, `DOT28.S`, `ETH2.S`) become
//! the symbols everyone else uses.

use std::collections::HashMap;

use super::layout::{self, error, inflow, leg, outflow, Cells, Context, Header, Layout, Out};
use super::{FieldError, ImportFormat, ParsedRow};
use crate::ledger::EntryKind;

/// Kraken's four-letter legacy codes.
const LEGACY: [(&str, &str); 22] = [
    ("XXBT", "BTC"),
    ("XBT", "BTC"),
    ("XXDG", "DOGE"),
    ("XDG", "DOGE"),
    ("XETH", "ETH"),
    ("XLTC", "LTC"),
    ("XXRP", "XRP"),
    ("XXLM", "XLM"),
    ("XXMR", "XMR"),
    ("XZEC", "ZEC"),
    ("XETC", "ETC"),
    ("XREP", "REP"),
    ("XMLN", "MLN"),
    ("ZUSD", "USD"),
    ("ZEUR", "EUR"),
    ("ZGBP", "GBP"),
    ("ZCAD", "CAD"),
    ("ZJPY", "JPY"),
    ("ZAUD", "AUD"),
    ("ZCHF", "CHF"),
    ("ETH2", "ETH"),
    ("XTZ", "XTZ"),
];

/// Wallet suffixes: staked (`.S`), opt-in rewards (`.M`), parachain (`.P`), earn (`.F`, `.B`), held.
const SUFFIXES: [&str; 6] = ["S", "M", "P", "F", "B", "HOLD"];

/// Quote currencies a pair without a `/` can end with, longest first.
const QUOTES: [&str; 22] = [
    "ZEUR", "ZUSD", "ZGBP", "ZCAD", "ZJPY", "ZCHF", "ZAUD", "XXBT", "XETH", "USDT", "USDC",
    "PYUSD", "EUR", "USD", "GBP", "CAD", "JPY", "CHF", "AUD", "XBT", "ETH", "DAI",
];

/// The symbol behind a Kraken asset code.
pub fn asset(code: &str) -> String {
    let mut code = code.trim().to_uppercase();
    if let Some((base, suffix)) = code.split_once('.') {
        if SUFFIXES.contains(&suffix) {
            // Term staking (`DOT28.S`): the digits are the lock period, not the coin.
            let letters = base.trim_end_matches(|c: char| c.is_ascii_digit());
            code = if letters.len() >= 2 { letters } else { base }.to_owned();
        }
    }
    LEGACY
        .iter()
        .find(|(legacy, _)| *legacy == code)
        .map_or(code, |(_, symbol)| (*symbol).to_owned())
}

/// `XXBTZEUR` -> (BTC, EUR); `POL/EUR` -> (POL, EUR); `ADAEUR` -> (ADA, EUR).
pub fn split_pair(pair: &str) -> Option<(String, String)> {
    let pair = pair.trim().to_uppercase();
    if let Some((base, quote)) = pair.split_once('/') {
        return Some((asset(base), asset(quote)));
    }
    QUOTES
        .iter()
        .filter(|q| pair.len() > q.len() && pair.ends_with(*q))
        .map(|q| (asset(&pair[..pair.len() - q.len()]), asset(q)))
        .next()
}

/// One side of a Kraken trade (`leg` or `fee`, in `coin`) as both exports name it: the ledgers
/// by the refid of the trade's rows, the trades by their txid, which is the same id. A fee
/// charged in the base currency (rare) is named differently in the two and would count twice.
fn trade_link(trade: &str, coin: &str, part: &str) -> String {
    format!("kraken-trade-{part}:{trade}:{coin}")
}

struct LedgerColumns {
    txid: Option<usize>,
    refid: Option<usize>,
    time: Option<usize>,
    kind: Option<usize>,
    subtype: Option<usize>,
    asset: Option<usize>,
    amount: Option<usize>,
    fee: Option<usize>,
}

struct Ledgers {
    columns: LedgerColumns,
    offset: i64,
    /// Trade legs waiting for the other side of their `refid`.
    waiting: HashMap<String, (u64, ParsedRow)>,
}

pub fn ledgers_layout(header: &Header, context: &Context) -> Option<Box<dyn Layout>> {
    let required = ["txid", "refid", "time", "type", "asset", "amount", "fee"];
    if !header.has_all(&required) || header.find("pair").is_some() {
        return None;
    }
    Some(Box::new(Ledgers {
        columns: LedgerColumns {
            txid: header.find("txid"),
            refid: header.find("refid"),
            time: header.find("time"),
            kind: header.find("type"),
            subtype: header.find("subtype"),
            asset: header.find("asset"),
            amount: header.find("amount"),
            fee: header.find("fee"),
        },
        offset: context.utc_offset.unwrap_or(0),
        waiting: HashMap::new(),
    }))
}

/// What a ledger row's type means for its amount.
fn ledger_kind(kind: &str, subtype: &str, positive: bool) -> EntryKind {
    match (kind, subtype) {
        ("trade" | "spend" | "receive", _) if positive => EntryKind::Buy,
        ("trade" | "spend" | "receive", _) => EntryKind::Sell,
        ("deposit", _) => EntryKind::Deposit,
        ("withdrawal", _) => EntryKind::Withdrawal,
        ("staking" | "dividend" | "reward" | "invite bonus" | "credit", _) => EntryKind::Reward,
        ("earn", "reward") => EntryKind::Reward,
        ("transfer" | "earn", _) => EntryKind::Transfer,
        _ => EntryKind::Adjustment,
    }
}

impl Layout for Ledgers {
    fn format(&self) -> ImportFormat {
        ImportFormat::KrakenLedgers
    }

    fn account(&self) -> Option<&'static str> {
        Some("Kraken")
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError> {
        let c = &self.columns;
        let Some(txid) = cells.text(c.txid) else {
            out.push(Out::Skip(
                line,
                "pending (no txid): Kraken lists it again once confirmed".into(),
            ));
            return Ok(());
        };
        let at = cells.time(c.time, "time", self.offset)?;
        let coin = asset(cells.get(c.asset));
        if coin.is_empty() {
            return Err(error("asset", "the asset is empty"));
        }
        let amount = cells.amount(c.amount, "amount")?;
        let fee = cells.optional_amount(c.fee, "fee")?.unwrap_or_default();
        if amount.is_zero() && fee.is_zero() {
            out.push(Out::Skip(
                line,
                "nothing moved (amount and fee are 0)".into(),
            ));
            return Ok(());
        }
        let kind = cells.get(c.kind).to_lowercase();
        let subtype = cells.get(c.subtype).to_lowercase();
        let entry = ledger_kind(&kind, &subtype, !amount.is_negative());
        let refid = cells.text(c.refid);
        // A trade's ledger rows carry its id as their refid: the trades export names them so too.
        let traded = matches!(entry, EntryKind::Buy | EntryKind::Sell);
        let trade = refid.as_deref().filter(|_| traded);
        if !fee.is_zero() {
            let mut paid = leg(at, &coin, outflow(fee), EntryKind::Fee);
            paid.id = Some(format!("kraken:{txid}:fee"));
            paid.link = trade.map(|id| trade_link(id, &coin, "fee"));
            out.push(Out::Leg(line, paid));
        }
        if amount.is_zero() {
            return Ok(());
        }
        let mut moved = leg(at, &coin, amount, entry);
        moved.id = Some(format!("kraken:{txid}"));
        moved.link = trade.map(|id| trade_link(id, &coin, "leg"));
        match (entry, refid) {
            (EntryKind::Buy | EntryKind::Sell, Some(refid)) => match self.waiting.remove(&refid) {
                Some((other_line, mut other)) => {
                    layout::price_each_other(&mut moved, &mut other);
                    out.push(Out::Leg(other_line, other));
                    out.push(Out::Leg(line, moved));
                }
                None => {
                    self.waiting.insert(refid, (line, moved));
                }
            },
            _ => out.push(Out::Leg(line, moved)),
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<Out>) {
        let mut alone: Vec<(u64, ParsedRow)> = self.waiting.drain().map(|(_, leg)| leg).collect();
        alone.sort_by_key(|(line, _)| *line);
        out.extend(alone.into_iter().map(|(line, leg)| Out::Leg(line, leg)));
    }
}

struct TradeColumns {
    txid: Option<usize>,
    pair: Option<usize>,
    time: Option<usize>,
    kind: Option<usize>,
    cost: Option<usize>,
    fee: Option<usize>,
    vol: Option<usize>,
}

struct Trades {
    columns: TradeColumns,
    offset: i64,
}

pub fn trades_layout(header: &Header, context: &Context) -> Option<Box<dyn Layout>> {
    let required = [
        "txid",
        "ordertxid",
        "pair",
        "time",
        "type",
        "cost",
        "fee",
        "vol",
    ];
    if !header.has_all(&required) {
        return None;
    }
    Some(Box::new(Trades {
        columns: TradeColumns {
            txid: header.find("txid"),
            pair: header.find("pair"),
            time: header.find("time"),
            kind: header.find("type"),
            cost: header.find("cost"),
            fee: header.find("fee"),
            vol: header.find("vol"),
        },
        offset: context.utc_offset.unwrap_or(0),
    }))
}

impl Layout for Trades {
    fn format(&self) -> ImportFormat {
        ImportFormat::KrakenTrades
    }

    fn account(&self) -> Option<&'static str> {
        Some("Kraken")
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError> {
        let c = &self.columns;
        let at = cells.time(c.time, "time", self.offset)?;
        let pair_text = cells.get(c.pair);
        let (base, quote) = split_pair(pair_text).ok_or_else(|| {
            error(
                "pair",
                format!("'{pair_text}' is not a pair this importer can split (like XXBTZEUR or POL/EUR)"),
            )
        })?;
        let buy = match cells.get(c.kind).to_lowercase().as_str() {
            "buy" => true,
            "sell" => false,
            other => return Err(error("type", format!("'{other}' is not buy or sell"))),
        };
        let vol = cells.amount(c.vol, "vol")?;
        let cost = cells.amount(c.cost, "cost")?;
        let fee = cells.optional_amount(c.fee, "fee")?.unwrap_or_default();
        let txid = cells
            .text(c.txid)
            .ok_or_else(|| error("txid", "the trade has no txid"))?;
        let (mut base_leg, mut quote_leg) = if buy {
            (
                leg(at, &base, inflow(vol), EntryKind::Buy),
                leg(at, &quote, outflow(cost), EntryKind::Sell),
            )
        } else {
            (
                leg(at, &base, outflow(vol), EntryKind::Sell),
                leg(at, &quote, inflow(cost), EntryKind::Buy),
            )
        };
        layout::price_each_other(&mut base_leg, &mut quote_leg);
        base_leg.id = Some(format!("kraken-trade:{txid}"));
        base_leg.link = Some(trade_link(&txid, &base, "leg"));
        quote_leg.id = Some(format!("kraken-trade:{txid}:quote"));
        quote_leg.link = Some(trade_link(&txid, &quote, "leg"));
        out.push(Out::Leg(line, base_leg));
        out.push(Out::Leg(line, quote_leg));
        if !fee.is_zero() {
            let mut paid = leg(at, &quote, outflow(fee), EntryKind::Fee);
            paid.id = Some(format!("kraken-trade:{txid}:fee"));
            paid.link = Some(trade_link(&txid, &quote, "fee"));
            out.push(Out::Leg(line, paid));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_codes_become_symbols() {
        for (code, want) in [
            ("XXBT", "BTC"),
            ("ZEUR", "EUR"),
            ("XXDG", "DOGE"),
            ("DOT28.S", "DOT"),
            ("ETH2.S", "ETH"),
            ("SOL.S", "SOL"),
            ("USDC.M", "USDC"),
            ("KSM.P", "KSM"),
            ("BTC", "BTC"),
            ("XBT.M", "BTC"),
            ("1INCH", "1INCH"),
        ] {
            assert_eq!(asset(code), want, "{code}");
        }
    }

    #[test]
    fn pairs_split_with_and_without_a_slash() {
        let split = |p| split_pair(p).unwrap_or_default();
        assert_eq!(split("XXBTZEUR"), ("BTC".into(), "EUR".into()));
        assert_eq!(split("XETHXXBT"), ("ETH".into(), "BTC".into()));
        assert_eq!(split("POL/EUR"), ("POL".into(), "EUR".into()));
        assert_eq!(split("ADAEUR"), ("ADA".into(), "EUR".into()));
        assert_eq!(split("SOLUSDT"), ("SOL".into(), "USDT".into()));
        assert_eq!(split_pair("WHAT"), None);
    }
}
