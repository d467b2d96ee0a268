//! Coinbase's transaction history report, every generation: 2024+ (`ID,Timestamp,…,Price
//! Currency,Price at Transaction,…`, times like `2025-01-17 16:57:02 UTC`, money with `€`/`$`,
//! outflows negative), 2021–2023 (`Timestamp,…,Spot Price Currency,Spot Price at Transaction,…`,
//! ISO times, all quantities positive) and before mid-2021 (`EUR Spot Price at Transaction`,
//! the currency in the header). The preamble above the header is skipped by the reader; columns
//! are found by name, so added columns (`Sender Address`, …) do no harm.
//!
//! Buys and sells are the asset leg plus the fiat leg (the subtotal) plus the fee; a convert is
//! the sold asset and the bought one, read from the note (`Converted 0.5 BTC to 150 XRP`);
//! sends, receives and income are one leg each. A type this importer does not know is skipped
//! with its name, never guessed.

use rust_decimal::Decimal;

use super::layout::{self, error, inflow, leg, outflow, Cells, Context, Header, Layout, Out};
use super::number::{self, NumberStyle};
use super::{FieldError, ImportFormat};
use crate::ledger::EntryKind;
use crate::money::Amount;

struct Columns {
    id: Option<usize>,
    time: Option<usize>,
    kind: Option<usize>,
    asset: Option<usize>,
    quantity: Option<usize>,
    currency: Option<usize>,
    /// Before mid-2021 the currency was in the header (`EUR Spot Price at Transaction`).
    header_currency: Option<String>,
    price: Option<usize>,
    subtotal: Option<usize>,
    fees: Option<usize>,
    notes: Option<usize>,
}

struct Coinbase {
    columns: Columns,
    offset: i64,
}

pub fn layout(header: &Header, context: &Context) -> Option<Box<dyn Layout>> {
    if !header.has_all(&[
        "timestamp",
        "transaction type",
        "asset",
        "quantity transacted",
    ]) {
        return None;
    }
    let price = header.find_by(|n| n.ends_with("price at transaction"))?;
    let header_currency = header.names()[price]
        .strip_suffix("spot price at transaction")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_uppercase);
    let columns = Columns {
        id: header.find("id"),
        time: header.find("timestamp"),
        kind: header.find("transaction type"),
        asset: header.find("asset"),
        quantity: header.find("quantity transacted"),
        currency: header.find_any(&["price currency", "spot price currency"]),
        header_currency,
        price: Some(price),
        subtotal: header.find_by(|n| n.ends_with("subtotal")),
        fees: header.find_by(|n| n.contains("fees") && !n.contains("total")),
        notes: header.find("notes"),
    };
    Some(Box::new(Coinbase {
        columns,
        offset: context.utc_offset.unwrap_or(0),
    }))
}

enum Kind {
    Buy,
    Sell,
    Convert,
    Out,
    In,
    Income,
    Unknown,
}

fn kind(text: &str) -> Kind {
    let text = text.to_lowercase();
    let has = |word: &str| text.contains(word);
    if has("convert") || has("dust") {
        Kind::Convert
    } else if has("buy") {
        Kind::Buy
    } else if has("sell") {
        Kind::Sell
    } else if has("reward") || has("income") || has("earn") || has("interest") || has("airdrop") {
        Kind::Income
    } else if text == "send"
        || text == "withdrawal"
        || text == "exchange deposit"
        || text == "pro deposit"
    {
        // "Exchange Deposit": moved from Coinbase to Coinbase Pro, so out of this account.
        Kind::Out
    } else if text == "receive"
        || text == "deposit"
        || text == "exchange withdrawal"
        || text == "pro withdrawal"
    {
        Kind::In
    } else {
        Kind::Unknown
    }
}

/// `Converted 0.00363125 BTC to 156.145683 XRP` -> (156.145683, XRP).
fn converted_to(note: &str) -> Option<(Amount, String)> {
    let words: Vec<&str> = note.split_whitespace().collect();
    let to = words.iter().rposition(|w| *w == "to")?;
    let amount = number::amount(words.get(to + 1)?, NumberStyle::default()).ok()?;
    let coin = words.get(to + 2)?.trim_end_matches('.');
    (!coin.is_empty()).then(|| (amount, coin.to_owned()))
}

impl Layout for Coinbase {
    fn format(&self) -> ImportFormat {
        ImportFormat::Coinbase
    }

    fn account(&self) -> Option<&'static str> {
        Some("Coinbase")
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError> {
        let c = &self.columns;
        let type_text = cells.get(c.kind);
        let kind = kind(type_text);
        if matches!(kind, Kind::Unknown) {
            out.push(Out::Skip(
                line,
                format!("Coinbase type '{type_text}' is not one this importer knows; add it by hand if it changed a balance"),
            ));
            return Ok(());
        }
        let at = cells.time(c.time, "Timestamp", self.offset)?;
        let asset = cells.get(c.asset);
        if asset.is_empty() {
            return Err(error("Asset", "the asset is empty"));
        }
        let quantity = cells.amount(c.quantity, "Quantity Transacted")?;
        if quantity.is_zero() {
            out.push(Out::Skip(line, "the quantity is zero".into()));
            return Ok(());
        }
        let currency = cells
            .text(c.currency)
            .or_else(|| c.header_currency.clone())
            .unwrap_or_default();
        let money = |column, name| -> Result<Option<Decimal>, FieldError> {
            Ok(cells
                .optional_decimal(column, name)?
                .map(|d| d.abs())
                .filter(|d| !d.is_zero()))
        };
        let price = money(c.price, "Price at Transaction")?
            .filter(|_| !currency.is_empty())
            .map(|p| (p, currency.to_lowercase()));
        let subtotal = money(c.subtotal, "Subtotal")?;
        let fees = money(c.fees, "Fees and/or Spread")?;
        let note = cells.text(c.notes);
        let id = cells.text(c.id).map(|id| format!("coinbase:{id}"));
        let tagged = |suffix: &str| id.as_ref().map(|id| format!("{id}:{suffix}"));
        let fiat = |value: Decimal, negative: bool| -> Result<Amount, FieldError> {
            let amount = Amount::from_decimal(value.normalize())
                .map_err(|_| error("Subtotal", format!("'{value}' is not an amount")))?;
            Ok(if negative { outflow(amount) } else { amount })
        };
        let mut legs = Vec::new();
        match kind {
            Kind::Buy | Kind::Sell => {
                let buy = matches!(kind, Kind::Buy);
                let (amount, entry) = if buy {
                    (inflow(quantity), EntryKind::Buy)
                } else {
                    (outflow(quantity), EntryKind::Sell)
                };
                let mut main = leg(at, asset, amount, entry);
                main.price = price;
                main.id = id.clone();
                legs.push(main);
                if let (Some(value), false) = (subtotal, currency.is_empty()) {
                    let (quote_kind, negative) = if buy {
                        (EntryKind::Sell, true)
                    } else {
                        (EntryKind::Buy, false)
                    };
                    let mut quote = leg(at, &currency, fiat(value, negative)?, quote_kind);
                    quote.id = tagged("quote");
                    legs.push(quote);
                }
                if let (Some(value), false) = (fees, currency.is_empty()) {
                    let mut fee = leg(at, &currency, fiat(value, true)?, EntryKind::Fee);
                    fee.id = tagged("fee");
                    legs.push(fee);
                }
            }
            Kind::Convert => {
                let Some((to_amount, to_coin)) = note.as_deref().and_then(converted_to) else {
                    return Err(error(
                        "Notes",
                        "a Convert needs a note like 'Converted 0.5 BTC to 150 XRP' to know what was bought",
                    ));
                };
                let mut sold = leg(at, asset, outflow(quantity), EntryKind::Sell);
                sold.id = id.clone();
                let mut bought = leg(at, &to_coin, inflow(to_amount), EntryKind::Buy);
                bought.id = tagged("to");
                // The subtotal is what both sides were worth in the row's fiat: the proceeds of
                // what was given up and the cost of what came in. Without one they price each
                // other, and a daily price values them later.
                match subtotal.filter(|_| !currency.is_empty()) {
                    Some(value) => {
                        let per = |units: Amount| {
                            value
                                .checked_div(units.to_decimal().abs())
                                .map(|p| (p.normalize(), currency.to_lowercase()))
                        };
                        sold.price = per(sold.amount);
                        bought.price = per(bought.amount);
                    }
                    None => layout::price_each_other(&mut bought, &mut sold),
                }
                legs.push(sold);
                legs.push(bought);
            }
            Kind::Out | Kind::In | Kind::Income => {
                let (amount, entry) = match kind {
                    Kind::Out => (outflow(quantity), EntryKind::Withdrawal),
                    Kind::In => (inflow(quantity), EntryKind::Deposit),
                    _ => (inflow(quantity), EntryKind::Reward),
                };
                let mut one = leg(at, asset, amount, entry);
                one.price = price;
                one.id = id.clone();
                legs.push(one);
            }
            Kind::Unknown => {}
        }
        for mut one in legs {
            one.note = note.clone();
            out.push(Out::Leg(line, one));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convert_notes_name_what_was_bought() {
        let got = converted_to("Converted 0.00363125 BTC to 156.145683 XRP");
        assert_eq!(
            got.map(|(a, c)| (a.to_string(), c)),
            Some(("156.145683".to_owned(), "XRP".to_owned()))
        );
        assert_eq!(
            converted_to("Converted 1 BTC to 1,234.5 USDC.").map(|(a, _)| a.to_string()),
            Some("1234.5".into())
        );
        assert!(converted_to("Bought 1 BTC").is_none());
    }

    #[test]
    fn types_map_to_directions() {
        assert!(matches!(kind("Advanced Trade Buy"), Kind::Buy));
        assert!(matches!(kind("Advanced Trade Sell"), Kind::Sell));
        assert!(matches!(kind("Staking Income"), Kind::Income));
        assert!(matches!(kind("Coinbase Earn"), Kind::Income));
        assert!(matches!(kind("Learning Reward"), Kind::Income));
        assert!(matches!(kind("Exchange Deposit"), Kind::Out));
        assert!(matches!(kind("Exchange Withdrawal"), Kind::In));
        assert!(matches!(kind("Retail Simple Dust"), Kind::Convert));
        assert!(matches!(kind("Vault Transfer"), Kind::Unknown));
    }
}
