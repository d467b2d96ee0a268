//! Delta's CSV (`Date,Way,Base amount,Base currency (name),…`): BUY/SELL trades as a base and a
//! quote leg plus a fee leg, DEPOSIT/WITHDRAW/TRANSFER between the named wallets, DIVIDEND as
//! income. Currencies may carry their name in brackets (`SOL (Solana)`), which picks the coin
//! when the symbol alone is ambiguous. Dates carry an offset; without one they are read as UTC.

use rust_decimal::Decimal;

use super::layout;
use super::number::{self, NumberStyle};
use super::{FieldError, ParsedRow};
use crate::clock::parse_timestamp;
use crate::ledger::EntryKind;
use crate::money::Amount;

const COLUMNS: [&str; 14] = [
    "date",
    "way",
    "base amount",
    "base currency (name)",
    "base type",
    "quote amount",
    "quote currency",
    "exchange",
    "sent/received from",
    "sent to",
    "fee amount",
    "fee currency (name)",
    "broker",
    "notes",
];

pub fn is_header(header: &[&str]) -> bool {
    header.len() >= COLUMNS.len()
        && header
            .iter()
            .zip(COLUMNS)
            .all(|(got, want)| got.trim().eq_ignore_ascii_case(want))
}

fn amount(text: &str, column: &'static str, style: NumberStyle) -> Result<Amount, FieldError> {
    let amount = number::amount(text, style).map_err(|reason| FieldError { column, reason })?;
    if amount.is_negative() || amount.is_zero() {
        return Err(FieldError {
            column,
            reason: format!("'{text}' must be greater than zero"),
        });
    }
    Ok(amount)
}

fn negative(amount: Amount) -> Amount {
    amount.checked_neg().unwrap_or(amount)
}

pub fn parse_row(fields: &[&str], style: NumberStyle) -> Result<Vec<ParsedRow>, FieldError> {
    let get = |i: usize| fields.get(i).map(|f| f.trim()).unwrap_or("");
    let text = |i: usize| Some(get(i).to_owned()).filter(|t| !t.is_empty());
    let occurred_at = parse_timestamp(get(0)).ok_or_else(|| FieldError {
        column: "Date",
        reason: format!("'{}' is not a date like 2023-06-02 16:06:47-04:00", get(0)),
    })?;
    let way = get(1).to_uppercase();
    let base = amount(get(2), "Base amount", style)?;
    let base_coin = get(3).to_owned();
    if base_coin.is_empty() {
        return Err(FieldError {
            column: "Base currency (name)",
            reason: "the base currency is empty".into(),
        });
    }
    let (exchange, from, to) = (text(7).or_else(|| text(12)), text(8), text(9));
    let note = text(13);
    let leg = |account: Option<String>, coin: &str, amount: Amount, kind, price| ParsedRow {
        account,
        price,
        note: note.clone(),
        ..layout::leg(occurred_at, coin, amount, kind)
    };
    let quote = || -> Result<(Amount, String), FieldError> {
        let coin = get(6);
        if coin.is_empty() {
            return Err(FieldError {
                column: "Quote currency",
                reason: format!("a {way} needs the quote currency"),
            });
        }
        Ok((amount(get(5), "Quote amount", style)?, coin.to_owned()))
    };
    // The unit price of the base in the quote currency, when the quote is a plain code.
    let price = |quote_amount: Amount, quote_coin: &str| -> Option<(Decimal, String)> {
        let unit = quote_amount.to_decimal().checked_div(base.to_decimal())?;
        Some((unit.normalize(), quote_coin.to_lowercase()))
    };
    let mut legs = Vec::new();
    let fee_account = match way.as_str() {
        "BUY" | "SELL" => {
            let (quote_amount, quote_coin) = quote()?;
            let unit = price(quote_amount, &quote_coin);
            let buy = way == "BUY";
            let (base_amount, quote_leg) = if buy {
                (base, negative(quote_amount))
            } else {
                (negative(base), quote_amount)
            };
            let (base_kind, quote_kind) = if buy {
                (EntryKind::Buy, EntryKind::Sell)
            } else {
                (EntryKind::Sell, EntryKind::Buy)
            };
            legs.push(leg(
                exchange.clone(),
                &base_coin,
                base_amount,
                base_kind,
                unit,
            ));
            legs.push(leg(
                exchange.clone(),
                &quote_coin,
                quote_leg,
                quote_kind,
                None,
            ));
            exchange
        }
        "DEPOSIT" | "DIVIDEND" => {
            let account = to.or(exchange);
            let kind = if way == "DIVIDEND" {
                EntryKind::Reward
            } else {
                EntryKind::Deposit
            };
            legs.push(leg(account.clone(), &base_coin, base, kind, None));
            account
        }
        "WITHDRAW" => {
            let account = from.or(exchange);
            legs.push(leg(
                account.clone(),
                &base_coin,
                negative(base),
                EntryKind::Withdrawal,
                None,
            ));
            account
        }
        "TRANSFER" => {
            legs.push(leg(
                from.clone(),
                &base_coin,
                negative(base),
                EntryKind::Transfer,
                None,
            ));
            legs.push(leg(to, &base_coin, base, EntryKind::Transfer, None));
            from
        }
        other => {
            return Err(FieldError {
                column: "Way",
                reason: format!(
                    "'{other}' is not one of BUY, SELL, DEPOSIT, WITHDRAW, TRANSFER, DIVIDEND"
                ),
            })
        }
    };
    match (get(10), get(11)) {
        ("", "") => {}
        (fee, coin) if !fee.is_empty() && !coin.is_empty() => {
            let fee = amount(fee, "Fee amount", style)?;
            legs.push(leg(fee_account, coin, negative(fee), EntryKind::Fee, None));
        }
        _ => {
            return Err(FieldError {
                column: "Fee amount",
                reason: "a fee needs its currency, and a currency its fee".into(),
            })
        }
    }
    Ok(legs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Vec<ParsedRow>, FieldError> {
        let record = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes())
            .records()
            .next()
            .and_then(Result::ok)
            .unwrap_or_default();
        let fields: Vec<&str> = record.iter().collect();
        parse_row(&fields, NumberStyle::default())
    }

    #[test]
    fn the_template_rows_become_legs() {
        let buy =
            parse("2023-06-02 16:06:47-04:00,BUY,10,ETH,CRYPTO,0.6,BTC,Binance,,,0.1,BNB,,note")
                .unwrap_or_default();
        assert_eq!(buy.len(), 3);
        assert_eq!(
            (buy[0].coin.as_str(), buy[0].amount.to_string().as_str()),
            ("ETH", "10")
        );
        assert_eq!(
            buy[0].price,
            Some(("0.06".parse().unwrap_or_default(), "btc".to_owned()))
        );
        assert_eq!(
            (buy[1].coin.as_str(), buy[1].amount.to_string().as_str()),
            ("BTC", "-0.6")
        );
        assert_eq!((buy[2].coin.as_str(), buy[2].kind), ("BNB", EntryKind::Fee));
        assert_eq!(buy[0].account.as_deref(), Some("Binance"));
        assert_eq!(buy[0].occurred_at, 1_685_736_407); // 20:06:47 UTC

        let sell =
            parse("2023-06-01 19:31:54-04:00,SELL,100,SOL (Solana),CRYPTO,0.88,ETH,Binance,,,,,,x")
                .unwrap_or_default();
        assert_eq!(
            (sell[0].coin.as_str(), sell[0].amount.to_string().as_str()),
            ("SOL (Solana)", "-100")
        );
        let withdraw = parse("2023-05-26 02:08:15-04:00,WITHDRAW,0.1,DOT (Polkadot),CRYPTO,,,,MY_WALLET,OTHER,0.001,DOT (Polkadot),,\"a, b\"").unwrap_or_default();
        assert_eq!(withdraw[0].account.as_deref(), Some("MY_WALLET"));
        assert_eq!(
            (withdraw[1].kind, withdraw[1].account.as_deref()),
            (EntryKind::Fee, Some("MY_WALLET"))
        );
        assert_eq!(withdraw[0].note.as_deref(), Some("a, b"));
        let deposit =
            parse("2023-05-09 14:51:31-04:00,DEPOSIT,0.001,BTC,CRYPTO,,,,DIVIDENDS,MY_WALLET,,,,x")
                .unwrap_or_default();
        assert_eq!(
            (deposit[0].kind, deposit[0].account.as_deref()),
            (EntryKind::Deposit, Some("MY_WALLET"))
        );
    }

    #[test]
    fn bad_rows_name_their_column() {
        let column = |line: &str| parse(line).err().map(|e| e.column);
        assert_eq!(
            column("2023-06-02 16:06:47-04:00,SWAP,1,ETH,CRYPTO,,,,,,,,,"),
            Some("Way")
        );
        assert_eq!(
            column("2023-06-02 16:06:47-04:00,BUY,-1,ETH,CRYPTO,1,BTC,X,,,,,,"),
            Some("Base amount")
        );
        assert_eq!(
            column("2023-06-02 16:06:47-04:00,BUY,1,ETH,CRYPTO,,,X,,,,,,"),
            Some("Quote currency")
        );
        assert_eq!(
            column("June 2nd,BUY,1,ETH,CRYPTO,1,BTC,X,,,,,,"),
            Some("Date")
        );
    }
}
