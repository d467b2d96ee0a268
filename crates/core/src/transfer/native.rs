//! Crypto Balance's own CSV: one ledger entry per row, exact decimals, UTC times, and the entry's
//! id so importing an export adds nothing twice. Documented in the README ("Native CSV").

use std::io::Write;

use rust_decimal::Decimal;

use super::cell::{neutralize, restore};
use super::{FieldError, ParsedRow};
use crate::clock::{iso8601, parse_timestamp};
use crate::holdings::Holding;
use crate::ledger::EntryKind;
use crate::money::Amount;

/// The ledger header, exactly.
pub const LEDGER_HEADER: [&str; 9] = [
    "time",
    "account",
    "coin",
    "amount",
    "kind",
    "price",
    "price_currency",
    "note",
    "id",
];

/// The holdings header (export only: a snapshot for spreadsheets).
pub const HOLDINGS_HEADER: [&str; 7] = [
    "account",
    "coin",
    "symbol",
    "name",
    "amount",
    "average_cost",
    "cost_currency",
];

/// A ledger entry as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub occurred_at: i64,
    pub account: String,
    pub coin: String,
    pub amount: Amount,
    pub kind: EntryKind,
    pub price: Option<(Decimal, String)>,
    pub note: Option<String>,
    pub id: String,
}

pub fn write_ledger<W: Write>(out: W, rows: &[LedgerRow]) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(LEDGER_HEADER)?;
    for row in rows {
        let (price, currency) = match &row.price {
            Some((price, currency)) => (price.to_string(), neutralize(currency)),
            None => (String::new(), String::new()),
        };
        writer.write_record([
            iso8601(row.occurred_at),
            neutralize(&row.account),
            neutralize(&row.coin),
            row.amount.to_string(),
            row.kind.as_str().to_owned(),
            price,
            currency,
            neutralize(row.note.as_deref().unwrap_or("")),
            neutralize(&row.id),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

pub fn write_holdings<W: Write>(out: W, holdings: &[Holding]) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HOLDINGS_HEADER)?;
    for h in holdings {
        writer.write_record([
            neutralize(&h.account),
            neutralize(&h.coin),
            neutralize(&h.symbol),
            neutralize(&h.name),
            h.amount.to_string(),
            h.average_cost.map(|c| c.to_string()).unwrap_or_default(),
            neutralize(h.cost_currency.as_deref().unwrap_or("")),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

pub fn is_ledger_header(header: &[&str]) -> bool {
    header.len() == LEDGER_HEADER.len()
        && header
            .iter()
            .zip(LEDGER_HEADER)
            .all(|(a, b)| a.trim().eq_ignore_ascii_case(b))
}

/// An entry kind by its name.
pub fn parse_kind(text: &str) -> Option<EntryKind> {
    EntryKind::ALL
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(text.trim()))
}

/// Reads one native row (fields in header order).
pub fn parse_row(fields: &[&str]) -> Result<ParsedRow, FieldError> {
    let field = |i: usize| fields.get(i).map(|f| f.trim()).unwrap_or("");
    let bad = |column: &'static str, reason: String| FieldError { column, reason };
    let occurred_at = parse_timestamp(field(0)).ok_or_else(|| {
        bad(
            "time",
            format!("'{}' is not a time like 2024-01-02T03:04:05Z", field(0)),
        )
    })?;
    let amount = parse_amount(field(3)).map_err(|reason| bad("amount", reason))?;
    let kind = parse_kind(field(4)).ok_or_else(|| {
        bad(
            "kind",
            format!("'{}' is not one of buy, sell, deposit, withdrawal, transfer, fee, reward, adjustment", field(4)),
        )
    })?;
    let price = match (field(5), field(6)) {
        ("", "") => None,
        (price, currency) if !price.is_empty() && !currency.is_empty() => {
            let price = price
                .parse::<Decimal>()
                .ok()
                .filter(|p| p.is_sign_positive())
                .ok_or_else(|| bad("price", format!("'{price}' is not a price")))?;
            Some((price, restore(currency).to_lowercase()))
        }
        _ => {
            return Err(bad(
                "price_currency",
                "a price needs its currency, and a currency its price".into(),
            ))
        }
    };
    // Every text cell may carry the export's formula guard, ids and currencies included.
    let coin = restore(field(2));
    if coin.is_empty() {
        return Err(bad("coin", "the coin is empty".into()));
    }
    Ok(ParsedRow {
        occurred_at,
        account: Some(restore(field(1)).to_owned()).filter(|a| !a.is_empty()),
        coin: coin.to_owned(),
        amount,
        kind,
        price,
        note: Some(restore(field(7)).to_owned()).filter(|n| !n.is_empty()),
        id: Some(restore(field(8)).to_owned()).filter(|i| !i.is_empty()),
        link: None,
    })
}

/// An exact amount: plain decimals, or exponent forms some spreadsheets write back.
pub fn parse_amount(text: &str) -> Result<Amount, String> {
    if let Ok(amount) = text.parse::<Amount>() {
        return Ok(amount);
    }
    crate::rates::number::parse_decimal_text(text)
        .ok()
        .and_then(|d| Amount::from_decimal(d.normalize()).ok())
        .ok_or_else(|| format!("'{text}' is not an amount (a decimal with up to 18 places)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 17: coin and currency cells were written as they were; every text cell is defused
    /// now, and reads back exactly.
    #[test]
    fn every_text_cell_is_neutralised_and_reads_back() {
        let row = LedgerRow {
            occurred_at: 1_700_000_000,
            account: "=acct".into(),
            coin: "=HYPERLINK(\"x\")".into(),
            amount: "1".parse().unwrap_or(Amount::ZERO),
            kind: EntryKind::Buy,
            price: Some((Decimal::ONE, "+cmd".into())),
            note: Some("@note".into()),
            id: "-id".into(),
        };
        let mut bytes = Vec::new();
        write_ledger(&mut bytes, std::slice::from_ref(&row)).unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8(bytes).unwrap_or_default();
        let cells: Vec<&str> = text.lines().nth(1).unwrap_or_default().split(',').collect();
        for cell in cells {
            let bare = cell.trim_start_matches('"');
            assert!(
                !bare.starts_with(['=', '+', '-', '@']),
                "{cell} would run as a formula in {text}"
            );
        }
        let fields: Vec<String> = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes())
            .records()
            .flatten()
            .flat_map(|r| r.iter().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        let parsed = parse_row(&fields).unwrap_or_else(|e| panic!("{}", e.reason));
        assert_eq!(parsed.coin, row.coin);
        assert_eq!(parsed.price, Some((Decimal::ONE, "+cmd".to_owned())));
    }
}
