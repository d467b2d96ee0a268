//! Koinly's universal CSV template: one row per transaction with sent, received and fee sides.
//! A trade fills both sides, a deposit only "Received", a withdrawal only "Sent". Both header
//! generations (`Label`, later `Tag`) are read; dates are UTC, `YYYY-MM-DD HH:mm` with or without
//! seconds and a trailing `UTC`.

use rust_decimal::Decimal;

use super::layout;
use super::number::{self, NumberStyle};
use super::{FieldError, ParsedRow};
use crate::clock::parse_timestamp;
use crate::ledger::EntryKind;
use crate::money::Amount;

const COLUMNS: [&str; 12] = [
    "date",
    "sent amount",
    "sent currency",
    "received amount",
    "received currency",
    "fee amount",
    "fee currency",
    "net worth amount",
    "net worth currency",
    "label",
    "description",
    "txhash",
];

/// Labels that make an incoming amount income rather than a plain deposit.
const INCOME_LABELS: [&str; 7] = [
    "reward",
    "staking",
    "airdrop",
    "mining",
    "income",
    "lending interest",
    "fork",
];

pub fn is_header(header: &[&str]) -> bool {
    header.len() >= COLUMNS.len()
        && header.iter().zip(COLUMNS).all(|(got, want)| {
            let got = got.trim().to_lowercase();
            got == want || (want == "label" && got == "tag")
        })
}

fn timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    parse_timestamp(text).or_else(|| {
        // `2024-01-02 13:45 UTC`: minutes only.
        let (clock, zone) = text.split_at(text.len().min(16));
        parse_timestamp(&format!("{clock}:00{zone}"))
    })
}

/// One side of a transaction: an amount and its currency, both or neither.
fn side(
    fields: &[&str],
    amount: usize,
    currency: usize,
    column: &'static str,
    style: NumberStyle,
) -> Result<Option<(Amount, String)>, FieldError> {
    let get = |i: usize| fields.get(i).map(|f| f.trim()).unwrap_or("");
    match (get(amount), get(currency)) {
        ("", "") => Ok(None),
        (value, currency) if !value.is_empty() && !currency.is_empty() => {
            let amount =
                number::amount(value, style).map_err(|reason| FieldError { column, reason })?;
            if amount.is_negative() {
                return Err(FieldError {
                    column,
                    reason: format!("'{value}' is negative; Koinly amounts are positive"),
                });
            }
            Ok(Some((amount, currency.to_owned())))
        }
        _ => Err(FieldError {
            column,
            reason: "an amount needs its currency, and a currency its amount".into(),
        }),
    }
}

/// The unit price of `amount` when it was worth `worth` in total.
fn unit_price(worth: &Option<(Decimal, String)>, amount: Amount) -> Option<(Decimal, String)> {
    let (total, currency) = worth.as_ref()?;
    let price = total.checked_div(amount.to_decimal())?;
    (!price.is_zero()).then(|| (price.normalize(), currency.to_lowercase()))
}

pub fn parse_row(fields: &[&str], style: NumberStyle) -> Result<Vec<ParsedRow>, FieldError> {
    let get = |i: usize| fields.get(i).map(|f| f.trim()).unwrap_or("");
    let occurred_at = timestamp(get(0)).ok_or_else(|| FieldError {
        column: "Date",
        reason: format!("'{}' is not a UTC date like 2024-01-02 13:45", get(0)),
    })?;
    let sent = side(fields, 1, 2, "Sent Amount", style)?;
    let received = side(fields, 3, 4, "Received Amount", style)?;
    let fee = side(fields, 5, 6, "Fee Amount", style)?;
    let worth = side(fields, 7, 8, "Net Worth Amount", style)?
        .map(|(amount, currency)| (amount.to_decimal(), currency));
    let label = get(9).to_lowercase();
    let note = layout::joined_note(&[get(10), get(11)]);
    if sent.is_none() && received.is_none() && fee.is_none() {
        return Err(FieldError {
            column: "Sent Amount",
            reason: "the row has no sent, received or fee amount".into(),
        });
    }
    let trade = sent.is_some() && received.is_some();
    let leg = |coin: String, amount: Amount, kind: EntryKind, price| ParsedRow {
        price,
        note: note.clone(),
        ..layout::leg(occurred_at, &coin, amount, kind)
    };
    let mut legs = Vec::new();
    if let Some((amount, coin)) = sent {
        let kind = if trade {
            EntryKind::Sell
        } else {
            EntryKind::Withdrawal
        };
        let price = unit_price(&worth, amount);
        let negative = amount.checked_neg().unwrap_or(amount);
        legs.push(leg(coin, negative, kind, price));
    }
    if let Some((amount, coin)) = received {
        let kind = if trade {
            EntryKind::Buy
        } else if INCOME_LABELS.contains(&label.as_str()) {
            EntryKind::Reward
        } else {
            EntryKind::Deposit
        };
        legs.push(leg(coin, amount, kind, unit_price(&worth, amount)));
    }
    // Without a net worth, a trade's two sides price each other, so a coin bought for fiat
    // costs the fiat sent (the fiat leg's own price is dropped when the import knows it is fiat).
    if let (true, None, [given, received]) = (trade, &worth, legs.as_mut_slice()) {
        super::layout::price_each_other(received, given);
    }
    if let Some((amount, coin)) = fee {
        let negative = amount.checked_neg().unwrap_or(amount);
        legs.push(leg(coin, negative, EntryKind::Fee, None));
    }
    Ok(legs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str) -> Result<Vec<ParsedRow>, FieldError> {
        let fields: Vec<&str> = text.split(',').collect();
        parse_row(&fields, NumberStyle::default())
    }

    #[test]
    fn a_trade_without_a_net_worth_is_priced_by_what_was_sent() {
        let legs = row("2024-01-02 13:45 UTC,1000,USD,0.025,BTC,1.5,USD,,,,bought,0xabc")
            .unwrap_or_default();
        assert_eq!(
            legs[1].price,
            Some(("40000".parse().unwrap_or_default(), "USD".to_owned()))
        );
    }

    #[test]
    fn a_trade_is_two_legs_plus_a_fee() {
        let legs = row("2024-01-02 13:45 UTC,1000,USD,0.025,BTC,1.5,USD,1000,USD,,bought,0xabc")
            .unwrap_or_default();
        assert_eq!(legs.len(), 3);
        assert_eq!(
            (
                legs[0].coin.as_str(),
                legs[0].amount.to_string().as_str(),
                legs[0].kind
            ),
            ("USD", "-1000", EntryKind::Sell)
        );
        assert_eq!(
            (legs[1].coin.as_str(), legs[1].kind),
            ("BTC", EntryKind::Buy)
        );
        assert_eq!(
            legs[1].price,
            Some(("40000".parse().unwrap_or_default(), "usd".to_owned()))
        );
        assert_eq!(
            (legs[2].amount.to_string().as_str(), legs[2].kind),
            ("-1.5", EntryKind::Fee)
        );
        assert_eq!(legs[0].occurred_at, 1_704_203_100);
        assert_eq!(legs[0].note.as_deref(), Some("bought 0xabc"));
    }

    #[test]
    fn one_sided_rows_are_deposits_withdrawals_or_income() {
        let deposit = row("2024-01-02 13:45:10,,,2,ETH,,,,,,,").unwrap_or_default();
        assert_eq!((deposit.len(), deposit[0].kind), (1, EntryKind::Deposit));
        let reward = row("2024-01-02 13:45,,,0.1,SOL,,,,,staking,,").unwrap_or_default();
        assert_eq!(reward[0].kind, EntryKind::Reward);
        let sent = row("2024-01-02 13:45,0.5,ETH,,,,,,,,,").unwrap_or_default();
        assert_eq!(
            (sent[0].kind, sent[0].amount.to_string().as_str()),
            (EntryKind::Withdrawal, "-0.5")
        );
    }

    #[test]
    fn bad_values_name_their_column() {
        let e = row("2024-01-02 13:45,abc,BTC,,,,,,,,,")
            .err()
            .map(|e| e.column);
        assert_eq!(e, Some("Sent Amount"));
        let e = row("02.01.2024,1,BTC,,,,,,,,,").err().map(|e| e.column);
        assert_eq!(e, Some("Date"));
        let e = row("2024-01-02 13:45,1,,,,,,,,,,").err().map(|e| e.column);
        assert_eq!(e, Some("Sent Amount"));
        assert!(row("2024-01-02 13:45,,,,,,,,,,,").is_err());
        assert!(is_header(&COLUMNS.map(|c| c)));
        let tag = "Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,Net Worth Currency,Tag,Description,TxHash";
        assert!(is_header(&tag.split(',').collect::<Vec<_>>()));
    }
}
