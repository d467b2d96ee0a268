//! Any other CSV, when the person says which column is which: `time=Date`, `coin=Asset`,
//! `amount=Quantity` are needed; `kind`, `price`, `price_currency`, `account`, `note` and `id`
//! may be named too. Kinds are read by name (buy, sell, deposit, sent, received, staking, …);
//! without a kind column the sign decides between deposit and withdrawal. Outflow kinds are
//! made negative whatever sign the file wrote.

use super::layout::{error, inflow, leg, outflow, Cells, Context, Header, Layout, Out};
use super::native::parse_kind;
use super::{FieldError, ImportFormat, TransferError};
use crate::ledger::EntryKind;

/// The fields a column can be mapped to; the first three are required.
pub const FIELDS: [&str; 9] = [
    "time",
    "coin",
    "amount",
    "kind",
    "price",
    "price_currency",
    "account",
    "note",
    "id",
];

/// `FIELD=Column` pairs, checked before the file is read.
pub fn parse_columns(columns: &[String]) -> Result<Vec<(&'static str, String)>, TransferError> {
    let mut parsed: Vec<(&'static str, String)> = Vec::new();
    for text in columns {
        let bad = |reason: &str| TransferError::BadColumn {
            given: text.clone(),
            reason: reason.to_owned(),
        };
        let (field, column) = text
            .split_once('=')
            .ok_or_else(|| bad("use FIELD=Column, e.g. time=Date"))?;
        let field = FIELDS
            .iter()
            .find(|f| f.eq_ignore_ascii_case(field.trim()))
            .ok_or_else(|| bad("the field must be one of time, coin, amount, kind, price, price_currency, account, note, id"))?;
        let column = column.trim();
        if column.is_empty() {
            return Err(bad("the column name is empty"));
        }
        if parsed.iter().any(|(f, _)| f == field) {
            return Err(bad("this field is named twice"));
        }
        parsed.push((field, column.to_owned()));
    }
    for required in &FIELDS[..3] {
        if !parsed.iter().any(|(f, _)| f == required) {
            return Err(TransferError::BadColumn {
                given: columns.join(" "),
                reason: format!("the generic importer needs the {required} column: add --column {required}=NAME"),
            });
        }
    }
    let has = |field| parsed.iter().any(|(f, _)| *f == field);
    if has("price") != has("price_currency") {
        return Err(TransferError::BadColumn {
            given: columns.join(" "),
            reason: "price and price_currency go together".into(),
        });
    }
    Ok(parsed)
}

#[derive(Default)]
struct Columns {
    time: Option<usize>,
    coin: Option<usize>,
    amount: Option<usize>,
    kind: Option<usize>,
    price: Option<usize>,
    price_currency: Option<usize>,
    account: Option<usize>,
    note: Option<usize>,
    id: Option<usize>,
}

struct Generic {
    columns: Columns,
    offset: i64,
}

/// The header is the first line that has every column the person named.
pub fn layout(header: &Header, context: &Context) -> Option<Box<dyn Layout>> {
    let chosen = parse_columns(&context.columns).ok()?;
    let mut columns = Columns::default();
    for (field, name) in chosen {
        let at = Some(header.find(&name)?);
        match field {
            "time" => columns.time = at,
            "coin" => columns.coin = at,
            "amount" => columns.amount = at,
            "kind" => columns.kind = at,
            "price" => columns.price = at,
            "price_currency" => columns.price_currency = at,
            "account" => columns.account = at,
            "note" => columns.note = at,
            _ => columns.id = at,
        }
    }
    Some(Box::new(Generic {
        columns,
        offset: context.utc_offset.unwrap_or(0),
    }))
}

/// A kind by our name or a common synonym.
fn kind(text: &str) -> Option<EntryKind> {
    let text = text.trim().to_lowercase();
    parse_kind(&text).or(match text.as_str() {
        "send" | "sent" | "withdraw" | "transfer out" | "spend" => Some(EntryKind::Withdrawal),
        "receive" | "received" | "transfer in" => Some(EntryKind::Deposit),
        "staking" | "income" | "interest" | "airdrop" | "mining" | "rewards" => {
            Some(EntryKind::Reward)
        }
        _ => None,
    })
}

impl Layout for Generic {
    fn format(&self) -> ImportFormat {
        ImportFormat::Generic
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError> {
        let c = &self.columns;
        let at = cells.time(c.time, "time", self.offset)?;
        let coin = cells.get(c.coin);
        if coin.is_empty() {
            return Err(error("coin", "the coin is empty"));
        }
        let amount = cells.amount(c.amount, "amount")?;
        let entry = match c.kind {
            None if amount.is_negative() => EntryKind::Withdrawal,
            None => EntryKind::Deposit,
            Some(_) => {
                let text = cells.get(c.kind);
                kind(text).ok_or_else(|| {
                    error("kind", format!("'{text}' is not a kind this importer knows (buy, sell, deposit, withdrawal, transfer, fee, reward, adjustment, sent, received, staking, …)"))
                })?
            }
        };
        let signed = match entry {
            EntryKind::Sell | EntryKind::Withdrawal | EntryKind::Fee => outflow(amount),
            EntryKind::Buy | EntryKind::Deposit | EntryKind::Reward => inflow(amount),
            EntryKind::Transfer | EntryKind::Adjustment => amount,
        };
        let mut one = leg(at, coin, signed, entry);
        if let Some(price) = cells.optional_decimal(c.price, "price")? {
            let currency = cells
                .text(c.price_currency)
                .ok_or_else(|| error("price_currency", "a price needs its currency"))?;
            one.price = Some((price.abs(), currency.to_lowercase()));
        }
        one.account = cells.text(c.account);
        one.note = cells.text(c.note);
        one.id = cells.text(c.id).map(|id| format!("generic:{id}"));
        out.push(Out::Leg(line, one));
        Ok(())
    }
}
