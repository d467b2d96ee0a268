//! Any other CSV, when the person says which column is which: `time=Date`, `coin=Asset`,
//! `amount=Quantity` are needed; `kind`, `price`, `price_currency`, `account`, `note` and `id`
//! may be named too. Kinds are read by name (buy, sell, deposit, sent, received, staking, …);
//! without a kind column the sign decides between deposit and withdrawal. Outflow kinds are
//! made negative whatever sign the file wrote.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use super::layout::{error, inflow, leg, outflow, Cells, Context, Header, Layout, Out};
use super::native::parse_kind;
use super::{FieldError, ImportFormat, TransferError};
use crate::ledger::EntryKind;

/// What a column of the file holds; `time`, `coin` and `amount` are required.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum ColumnField {
    Time,
    Coin,
    Amount,
    Kind,
    Price,
    PriceCurrency,
    Account,
    Note,
    Id,
}

impl ColumnField {
    pub const ALL: [ColumnField; 9] = [
        ColumnField::Time,
        ColumnField::Coin,
        ColumnField::Amount,
        ColumnField::Kind,
        ColumnField::Price,
        ColumnField::PriceCurrency,
        ColumnField::Account,
        ColumnField::Note,
        ColumnField::Id,
    ];
    const REQUIRED: [ColumnField; 3] = [ColumnField::Time, ColumnField::Coin, ColumnField::Amount];

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnField::Time => "time",
            ColumnField::Coin => "coin",
            ColumnField::Amount => "amount",
            ColumnField::Kind => "kind",
            ColumnField::Price => "price",
            ColumnField::PriceCurrency => "price_currency",
            ColumnField::Account => "account",
            ColumnField::Note => "note",
            ColumnField::Id => "id",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|field| field.as_str().eq_ignore_ascii_case(text))
    }
}

/// The columns the person named, by field.
pub type ColumnMap = BTreeMap<ColumnField, String>;

/// One `FIELD=Column` answer as the command line writes it.
pub fn parse_column_arg(text: &str) -> Result<(ColumnField, String), TransferError> {
    let bad = |reason: &str| TransferError::BadColumn {
        given: text.to_owned(),
        reason: reason.to_owned(),
    };
    let (field, column) = text
        .split_once('=')
        .ok_or_else(|| bad("use FIELD=Column, e.g. time=Date"))?;
    let field = ColumnField::parse(field).ok_or_else(|| {
        bad("the field must be one of time, coin, amount, kind, price, price_currency, account, note, id")
    })?;
    Ok((field, column.trim().to_owned()))
}

/// Several `FIELD=Column` answers; a field named twice is refused.
pub fn parse_column_args(texts: &[String]) -> Result<ColumnMap, TransferError> {
    let mut columns = ColumnMap::new();
    for text in texts {
        let (field, column) = parse_column_arg(text)?;
        if columns.insert(field, column).is_some() {
            return Err(TransferError::BadColumn {
                given: text.clone(),
                reason: "this field is named twice".into(),
            });
        }
    }
    Ok(columns)
}

/// The chosen columns are enough to read a file: the required three, no empty names, and price
/// with its currency.
pub fn check_columns(columns: &ColumnMap) -> Result<(), TransferError> {
    let given = || {
        columns
            .iter()
            .map(|(field, column)| format!("{}={column}", field.as_str()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let bad = |reason: String| TransferError::BadColumn {
        given: given(),
        reason,
    };
    if let Some((field, _)) = columns.iter().find(|(_, column)| column.trim().is_empty()) {
        return Err(bad(format!(
            "the column name for {} is empty",
            field.as_str()
        )));
    }
    if let Some(missing) = ColumnField::REQUIRED
        .into_iter()
        .find(|field| !columns.contains_key(field))
    {
        let missing = missing.as_str();
        return Err(bad(format!(
            "the generic importer needs the {missing} column: add --column {missing}=NAME"
        )));
    }
    let has = |field| columns.contains_key(&field);
    if has(ColumnField::Price) != has(ColumnField::PriceCurrency) {
        return Err(bad("price and price_currency go together".into()));
    }
    Ok(())
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
    check_columns(&context.columns).ok()?;
    let mut columns = Columns::default();
    for (field, name) in &context.columns {
        let at = Some(header.find(name)?);
        match field {
            ColumnField::Time => columns.time = at,
            ColumnField::Coin => columns.coin = at,
            ColumnField::Amount => columns.amount = at,
            ColumnField::Kind => columns.kind = at,
            ColumnField::Price => columns.price = at,
            ColumnField::PriceCurrency => columns.price_currency = at,
            ColumnField::Account => columns.account = at,
            ColumnField::Note => columns.note = at,
            ColumnField::Id => columns.id = at,
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

#[cfg(test)]
mod column_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_field_named_twice_or_a_missing_one_is_refused() {
        let args = |texts: &[&str]| texts.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        assert!(parse_column_args(&args(&["time=A", "Time=B"])).is_err());
        let columns = parse_column_args(&args(&["time=A", "coin=B"])).unwrap_or_default();
        assert!(check_columns(&columns).is_err());
        let columns =
            parse_column_args(&args(&["time=A", "coin=B", "amount=C"])).unwrap_or_default();
        assert_eq!(check_columns(&columns).ok(), Some(()));
    }

    proptest! {
        /// Whatever a person types after `--column` or `--map`, the answer is a value or an
        /// error, and a field always reads back as itself.
        #[test]
        fn answers_parse_or_fail_cleanly(text in any::<String>()) {
            if let Ok((field, column)) = parse_column_arg(&text) {
                prop_assert_eq!(ColumnField::parse(field.as_str()), Some(field));
                prop_assert!(text.contains(&column));
            }
            if let Ok((symbol, id)) = crate::transfer::resolve::parse_map_arg(&text) {
                prop_assert!(!symbol.is_empty() && !id.is_empty());
            }
        }
    }
}
