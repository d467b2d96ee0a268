//! CoinStats: the import template (`Coin Symbol,Exchange,Pair,Type,Amount,Price,Fee,Date,Notes`)
//! and the export (`Portfolio,Coin Name,Coin Symbol,Exchange,Pair,Type,Amount,Price,Price USD,Fee
//! Percent,Fee Amount,Fee Currency,Date,Notes`). Types: Buy, Sell, Sent, Received, and `Fill`,
//! CoinStats's synthetic rows that fill a balance, skipped like rows whose note calls them a
//! duplicate or a fake transaction. A buy or sell is the coin's leg priced in the pair's quote;
//! the quote side is not in the file, so it is not invented. The coin's name, when the export
//! gives it, picks among coins that share a symbol. Date formats vary, so any this importer
//! reads are accepted.

use super::layout::{error, inflow, leg, outflow, Cells, Context, Header, Layout, Out};
use super::{FieldError, ImportFormat};
use crate::ledger::EntryKind;

struct Columns {
    portfolio: Option<usize>,
    name: Option<usize>,
    symbol: Option<usize>,
    exchange: Option<usize>,
    pair: Option<usize>,
    kind: Option<usize>,
    amount: Option<usize>,
    price: Option<usize>,
    fee: Option<usize>,
    fee_currency: Option<usize>,
    date: Option<usize>,
    notes: Option<usize>,
}

struct CoinStats {
    columns: Columns,
    offset: i64,
}

pub fn layout(header: &Header, context: &Context) -> Option<Box<dyn Layout>> {
    if !header.has_all(&["coin symbol", "pair", "type", "amount", "price", "date"]) {
        return None;
    }
    Some(Box::new(CoinStats {
        columns: Columns {
            portfolio: header.find("portfolio"),
            name: header.find("coin name"),
            symbol: header.find("coin symbol"),
            exchange: header.find("exchange"),
            pair: header.find("pair"),
            kind: header.find("type"),
            amount: header.find("amount"),
            price: header.find("price"),
            fee: header.find_any(&["fee amount", "fee"]),
            fee_currency: header.find("fee currency"),
            date: header.find("date"),
            notes: header.find("notes"),
        },
        offset: context.utc_offset.unwrap_or(0),
    }))
}

/// `BTC/USD`, `BTC-USDT`, `BTCUSD` with the coin known -> the quote.
fn quote(pair: &str, coin: &str) -> Option<String> {
    let pair = pair.trim().to_uppercase();
    let coin = coin.trim().to_uppercase();
    let quote = match pair.split_once(['/', '-', '_', ':']) {
        Some((_, quote)) => quote.trim().to_owned(),
        None => pair.strip_prefix(&coin)?.to_owned(),
    };
    (!quote.is_empty() && quote != coin).then_some(quote)
}

impl Layout for CoinStats {
    fn format(&self) -> ImportFormat {
        ImportFormat::Coinstats
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError> {
        let c = &self.columns;
        let kind = cells.get(c.kind).to_lowercase();
        let notes = cells.text(c.notes);
        let lowered = notes.as_deref().unwrap_or("").to_lowercase();
        if kind == "fill" || lowered.contains("fake transaction") || lowered.contains("duplicate") {
            out.push(Out::Skip(
                line,
                "CoinStats marks it a balance fill or a duplicate, not a real transaction".into(),
            ));
            return Ok(());
        }
        let at = cells.time(c.date, "Date", self.offset)?;
        let symbol = cells.get(c.symbol);
        if symbol.is_empty() {
            return Err(error("Coin Symbol", "the coin symbol is empty"));
        }
        // `SOL (Solana)`: the name picks the coin when the symbol is shared.
        let coin = match cells.text(c.name) {
            Some(name) if !name.eq_ignore_ascii_case(symbol) => format!("{symbol} ({name})"),
            _ => symbol.to_owned(),
        };
        let amount = cells.amount(c.amount, "Amount")?;
        let entry = match kind.as_str() {
            "buy" => EntryKind::Buy,
            "sell" => EntryKind::Sell,
            "sent" | "send" | "withdraw" | "withdrawal" | "transfer out" => EntryKind::Withdrawal,
            "received" | "receive" | "deposit" | "transfer in" => EntryKind::Deposit,
            other => {
                return Err(error(
                    "Type",
                    format!("'{other}' is not Buy, Sell, Sent, Received or Fill"),
                ))
            }
        };
        let signed = match entry {
            EntryKind::Sell | EntryKind::Withdrawal => outflow(amount),
            _ => inflow(amount),
        };
        let pair_quote = quote(cells.get(c.pair), symbol);
        let mut main = leg(at, &coin, signed, entry);
        let price = cells
            .optional_decimal(c.price, "Price")?
            .filter(|p| !p.is_zero())
            .map(|p| p.abs());
        if let (Some(price), Some(currency)) = (price, pair_quote.clone()) {
            main.price = Some((price, currency.to_lowercase()));
        }
        main.account = cells.text(c.portfolio).or_else(|| cells.text(c.exchange));
        main.note = notes.clone();
        let account = main.account.clone();
        // A buy or sell moved the quote currency too (amount x price): without that leg the
        // fee alone left the quote, a phantom negative holding, and the trade had no fiat side.
        let quote_leg = match (entry, price, pair_quote.as_deref()) {
            (EntryKind::Buy | EntryKind::Sell, Some(price), Some(currency)) => {
                let total = amount.to_decimal().abs().checked_mul(price).and_then(|v| {
                    crate::money::Amount::from_decimal(v.round_dp(18).normalize()).ok()
                });
                let total = total.ok_or_else(|| {
                    error("Price", "amount x price is beyond what an entry can hold")
                })?;
                let (moved, kind) = if entry == EntryKind::Buy {
                    (outflow(total), EntryKind::Sell)
                } else {
                    (inflow(total), EntryKind::Buy)
                };
                let mut quote = leg(at, currency, moved, kind);
                quote.account = account.clone();
                quote.note = notes.clone();
                Some(quote)
            }
            _ => None,
        };
        out.push(Out::Leg(line, main));
        if let Some(quote) = quote_leg {
            out.push(Out::Leg(line, quote));
        }
        let fee = cells
            .optional_amount(c.fee, "Fee")?
            .filter(|f| !f.is_zero());
        if let Some(fee) = fee {
            let currency = cells.text(c.fee_currency).or(pair_quote).ok_or_else(|| {
                error(
                    "Fee",
                    "a fee needs its currency (Fee Currency, or the pair's quote)",
                )
            })?;
            let mut paid = leg(at, &currency, outflow(fee), EntryKind::Fee);
            paid.account = account;
            paid.note = notes;
            out.push(Out::Leg(line, paid));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_comes_from_the_pair() {
        assert_eq!(quote("BTC/USD", "BTC").as_deref(), Some("USD"));
        assert_eq!(quote("ETH-USDT", "ETH").as_deref(), Some("USDT"));
        assert_eq!(quote("SOLEUR", "SOL").as_deref(), Some("EUR"));
        assert_eq!(quote("BTC", "BTC"), None);
        assert_eq!(quote("", "BTC"), None);
    }
}
