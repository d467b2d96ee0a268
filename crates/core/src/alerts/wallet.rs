//! Wallet alerts: a rule of kind `wallet_changed` fires when a scan of its wallet changed the
//! wallet's balances, with every coin's change in its line. Unlike price rules there is no line to
//! cross: each change is the event. Pausing, snoozing, the cooldown and one-shot rules work as
//! for price rules.

use rust_decimal::Decimal;

use super::{text, AlertRule, AlertState, AlertTarget, FiredAlert};
use crate::clock::UnixTime;
use crate::ids::AlertId;
use crate::money::Amount;
use crate::numbers::NumberStyle;

/// What the rules watching `wallet` fire for a scan that changed its `changes` (coin, change),
/// and the states they move to.
pub fn fired(
    rules: &[(AlertRule, AlertState)],
    wallet: &str,
    changes: &[(String, Amount)],
    now: i64,
    style: &NumberStyle,
) -> (Vec<FiredAlert>, Vec<(AlertId, AlertState)>) {
    let (mut fired, mut changed) = (Vec::new(), Vec::new());
    let Some((first_coin, first_change)) = changes.first() else {
        return (fired, changed);
    };
    let listed: Vec<String> = changes
        .iter()
        .map(|(coin, change)| {
            let sign = if change.is_negative() { "" } else { "+" };
            format!("{sign}{} {coin}", style.amount(change.to_decimal()))
        })
        .collect();
    let subject = text::Subject {
        coin: None,
        account: Some(wallet),
    };
    let message = format!("{} changed: {}", subject.wallet(), listed.join(", "));
    // A change of one coin names it; a change of several names none.
    let coin = crate::coin::CoinId::parse(first_coin).filter(|_| changes.len() == 1);
    for (rule, state) in rules {
        let watches =
            matches!(&rule.target, AlertTarget::Wallet(name) if name.eq_ignore_ascii_case(wallet));
        let quiet = rule.is_quiet(state, now);
        if !watches || state.done || quiet {
            continue;
        }
        fired.push(FiredAlert {
            alert_id: rule.id,
            kind: rule.kind,
            coin: coin.clone(),
            coin_label: None,
            account: Some(wallet.to_owned()),
            currency: rule.currency.clone(),
            threshold: Decimal::ZERO,
            observed: first_change.to_decimal(),
            at: UnixTime::from_seconds(now),
            message: message.clone(),
            note: rule.note.clone(),
            channels: rule.channels.clone(),
        });
        changed.push((rule.id, state.after_firing(rule, now)));
    }
    (fired, changed)
}
