//! CoinTracking's trade list: `"Type","Buy","Cur.","Sell","Cur.","Fee","Cur.","Exchange","Group",
//! "Comment","Date"[,"Tx-ID"]`. Three columns share the name `Cur.`, so each belongs to the amount
//! before it; the "full" export's `Value in BTC` / `Value in EUR` columns are passed over the same
//! way. `-` means no amount. Dates follow the person's setting: `20.09.2019 13:00:00` (day
//! first), `2025-01-01 10:12:27`, or `5/9/2017 21:14` (month first). The exchange becomes the
//! account.

use super::layout::{self, error, inflow, leg, outflow, Cells, Context, Header, Layout, Out};
use super::{FieldError, ImportFormat};
use crate::ledger::EntryKind;
use crate::money::Amount;

#[derive(Default)]
struct Columns {
    kind: Option<usize>,
    buy: Option<(usize, usize)>,
    sell: Option<(usize, usize)>,
    fee: Option<(usize, usize)>,
    exchange: Option<usize>,
    comment: Option<usize>,
    date: Option<usize>,
    txid: Option<usize>,
}

struct CoinTracking {
    columns: Columns,
    offset: i64,
}

pub fn layout(header: &Header, context: &Context) -> Option<Box<dyn Layout>> {
    let names = header.names();
    if names.first().map(String::as_str) != Some("type") {
        return None;
    }
    // Each amount column owns the next `Cur.` column after it.
    let mut columns = Columns {
        kind: Some(0),
        ..Columns::default()
    };
    let currency_after = |at: usize| (at + 1..names.len()).find(|&i| names[i] == "cur.");
    for (i, name) in names.iter().enumerate() {
        match name.as_str() {
            "buy" => columns.buy = currency_after(i).map(|c| (i, c)),
            "sell" => columns.sell = currency_after(i).map(|c| (i, c)),
            "fee" => columns.fee = currency_after(i).map(|c| (i, c)),
            "exchange" => columns.exchange = Some(i),
            "comment" => columns.comment = Some(i),
            "date" => columns.date = Some(i),
            "tx-id" | "txid" | "trade id" => columns.txid = Some(i),
            _ => {}
        }
    }
    if columns.buy.is_none() || columns.sell.is_none() || columns.date.is_none() {
        return None;
    }
    Some(Box::new(CoinTracking {
        columns,
        offset: context.utc_offset.unwrap_or(0),
    }))
}

/// Types whose incoming side is income rather than a deposit.
const INCOME: [&str; 12] = [
    "income",
    "staking",
    "mining",
    "reward",
    "interest",
    "airdrop",
    "bonus",
    "gift/tip",
    "lending income",
    "dividend",
    "masternode",
    "minting",
];

impl CoinTracking {
    fn side(
        cells: &Cells<'_>,
        columns: Option<(usize, usize)>,
        name: &'static str,
    ) -> Result<Option<(Amount, String)>, FieldError> {
        let Some((amount, currency)) = columns else {
            return Ok(None);
        };
        let value = cells.optional_amount(Some(amount), name)?;
        let currency = cells.get(Some(currency));
        match value {
            Some(value) if !value.is_zero() => {
                if currency.is_empty() || currency == "-" {
                    return Err(error(
                        name,
                        format!("'{value}' has no currency in the Cur. column after it"),
                    ));
                }
                Ok(Some((value, currency.to_owned())))
            }
            _ => Ok(None),
        }
    }
}

impl Layout for CoinTracking {
    fn format(&self) -> ImportFormat {
        ImportFormat::Cointracking
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError> {
        let c = &self.columns;
        let at = cells.time(c.date, "Date", self.offset)?;
        let kind = cells.get(c.kind).to_lowercase();
        let buy = Self::side(cells, c.buy, "Buy")?;
        let sell = Self::side(cells, c.sell, "Sell")?;
        let fee = Self::side(cells, c.fee, "Fee")?;
        let account = cells.text(c.exchange);
        // A Tx-ID can be shared by several rows (a batched transfer), so it goes in the note and
        // the row's content is its fingerprint.
        let note = layout::joined_note(&[cells.get(c.comment), cells.get(c.txid)]);
        let trade = buy.is_some() && sell.is_some();
        let income = INCOME.iter().any(|word| kind.contains(word));
        let mut legs = Vec::new();
        if let Some((value, coin)) = &buy {
            let entry = if trade {
                EntryKind::Buy
            } else if income {
                EntryKind::Reward
            } else {
                EntryKind::Deposit
            };
            legs.push(leg(at, coin, inflow(*value), entry));
        }
        if let Some((value, coin)) = &sell {
            let entry = if trade {
                EntryKind::Sell
            } else if kind.contains("fee") {
                EntryKind::Fee
            } else {
                EntryKind::Withdrawal
            };
            legs.push(leg(at, coin, outflow(*value), entry));
        }
        if let [bought, sold] = legs.as_mut_slice() {
            layout::price_each_other(bought, sold);
        }
        if let Some((value, coin)) = &fee {
            legs.push(leg(at, coin, outflow(*value), EntryKind::Fee));
        }
        if legs.is_empty() {
            out.push(Out::Skip(line, "no buy, sell or fee amount".into()));
            return Ok(());
        }
        for mut one in legs {
            one.account = account.clone();
            one.note = note.clone();
            out.push(Out::Leg(line, one));
        }
        Ok(())
    }
}
