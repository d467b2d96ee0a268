//! Alert rules, their evaluation state and the fired history, in the encrypted database.

use rust_decimal::Decimal;
use serde::Serialize;
use specta::Type;

use super::text::{self, Subject};
use super::{
    channels_from_text, channels_text, AlertChange, AlertError, AlertKind, AlertRule, AlertState,
    AlertTarget, ChannelKind, FiredAlert,
};
use crate::assets::COIN_LABEL_SQL;
use crate::clock::UnixTime;
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::ids::AlertId;
use crate::numbers::NumberStyle;
use crate::store::{Store, StoreError};

/// A validated rule ready to insert.
#[derive(Debug, Clone)]
pub struct RuleToAdd {
    pub kind: AlertKind,
    pub target: AlertTarget,
    pub currency: Currency,
    pub threshold: Decimal,
    pub note: Option<String>,
    pub repeating: bool,
    pub cooldown_seconds: i64,
    pub channels: Option<Vec<ChannelKind>>,
}

impl RuleToAdd {
    /// What makes two rules the same rule (notes and schedules aside).
    fn identity(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.kind.as_str(),
            self.target.coin().map_or("", CoinId::as_str),
            self.target.account().unwrap_or(""),
            self.currency,
            self.threshold.normalize()
        )
    }
}

/// A fired alert as kept in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct AlertEvent {
    pub id: i64,
    /// `null` once the rule was deleted.
    pub alert_id: Option<AlertId>,
    pub kind: AlertKind,
    pub coin: Option<CoinId>,
    /// The coin for people, "Bitcoin (BTC)".
    pub coin_label: Option<String>,
    /// The account a holding alert watched; `None` for every account and other kinds.
    pub account: Option<String>,
    pub currency: Currency,
    pub threshold: Decimal,
    pub observed: Decimal,
    pub fired_at: UnixTime,
    /// The fired alert for people, in the system's number format.
    pub message: String,
}

const RULE_COLUMNS: &str = "alerts.id, alerts.kind, alerts.asset_id, alerts.account, \
     alerts.vs_currency, alerts.threshold, alerts.note, alerts.repeating, alerts.cooldown_secs, \
     alerts.paused, alerts.snoozed_until, alerts.created_at, alerts.last_fired_at, alerts.done, \
     alerts.armed, alerts.channels";

/// A rule's row, by column name.
#[derive(sqlx::FromRow)]
struct RuleRow {
    id: AlertId,
    kind: String,
    asset_id: Option<CoinId>,
    account: Option<String>,
    vs_currency: String,
    threshold: String,
    note: Option<String>,
    repeating: bool,
    cooldown_secs: i64,
    paused: bool,
    snoozed_until: Option<i64>,
    created_at: i64,
    last_fired_at: Option<i64>,
    done: bool,
    armed: Option<bool>,
    channels: Option<String>,
    coin_label: Option<String>,
}

fn corrupt(store: &Store) -> StoreError {
    StoreError::Corrupt(store.path().to_path_buf())
}

fn rule_from(store: &Store, row: RuleRow) -> Result<(AlertRule, AlertState), StoreError> {
    let RuleRow {
        id,
        kind,
        asset_id: coin,
        account,
        vs_currency: currency,
        threshold,
        note,
        repeating,
        cooldown_secs: cooldown,
        paused,
        snoozed_until,
        created_at,
        last_fired_at,
        done,
        armed,
        channels,
        coin_label,
    } = row;
    let kind = AlertKind::parse(&kind).ok_or_else(|| corrupt(store))?;
    let mut rule = AlertRule {
        id,
        kind,
        target: AlertTarget::new(kind, coin, account).map_err(|_| corrupt(store))?,
        coin_label,
        description: String::new(),
        currency: Currency::parse(&currency).ok_or_else(|| corrupt(store))?,
        threshold: threshold.parse().map_err(|_| corrupt(store))?,
        note,
        repeating,
        cooldown_seconds: cooldown,
        paused,
        snoozed_until: snoozed_until.map(UnixTime::from_seconds),
        created_at: UnixTime::from_seconds(created_at),
        last_fired_at: last_fired_at.map(UnixTime::from_seconds),
        done,
        channels: channels_from_text(channels.as_deref()),
    };
    rule.description = rule.describe(NumberStyle::system());
    let state = AlertState {
        armed,
        done,
        last_fired_at,
    };
    Ok((rule, state))
}

pub async fn create(store: &Store, rule: &RuleToAdd, now: i64) -> Result<AlertId, AlertError> {
    let identity = rule.identity();
    let existing: Option<AlertId> = sqlx::query_scalar("SELECT id FROM alerts WHERE identity = ?")
        .bind(&identity)
        .fetch_optional(store.pool())
        .await
        .map_err(|e| store.error(e))?;
    if let Some(id) = existing {
        return Err(AlertError::Duplicate(id));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO alerts (kind, asset_id, account, vs_currency, threshold, note, repeating, \
         cooldown_secs, created_at, identity, channels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         RETURNING id",
    )
    .bind(rule.kind.as_str())
    .bind(rule.target.coin())
    .bind(rule.target.account())
    .bind(&rule.currency)
    .bind(rule.threshold.normalize().to_string())
    .bind(&rule.note)
    .bind(rule.repeating)
    .bind(rule.cooldown_seconds)
    .bind(now)
    .bind(&identity)
    .bind(channels_text(rule.channels.as_deref()))
    .fetch_one(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    Ok(id)
}

/// Every rule with its evaluation state, oldest first.
pub async fn load(store: &Store) -> Result<Vec<(AlertRule, AlertState)>, StoreError> {
    let rows: Vec<RuleRow> = sqlx::query_as(&format!(
        "SELECT {RULE_COLUMNS}, {COIN_LABEL_SQL} AS coin_label FROM alerts \
             LEFT JOIN assets ON assets.id = alerts.asset_id ORDER BY alerts.id"
    ))
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    rows.into_iter().map(|row| rule_from(store, row)).collect()
}

pub async fn update(store: &Store, id: AlertId, change: &AlertChange) -> Result<(), AlertError> {
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM alerts WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(err)?;
    if found.is_none() {
        return Err(AlertError::NotFound(id));
    }
    if let Some(paused) = change.paused {
        sqlx::query("UPDATE alerts SET paused = ? WHERE id = ?")
            .bind(paused)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
    }
    if let Some(until) = change.snoozed_until {
        sqlx::query("UPDATE alerts SET snoozed_until = ? WHERE id = ?")
            .bind((until.seconds() > 0).then_some(until))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
    }
    if let Some(note) = &change.note {
        let note = Some(note.trim()).filter(|n| !n.is_empty());
        sqlx::query("UPDATE alerts SET note = ? WHERE id = ?")
            .bind(note)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
    }
    if let Some(cooldown) = change.cooldown_seconds {
        sqlx::query("UPDATE alerts SET cooldown_secs = ? WHERE id = ?")
            .bind(cooldown)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
    }
    tx.commit().await.map_err(err)?;
    Ok(())
}

pub async fn delete(store: &Store, id: AlertId) -> Result<(), AlertError> {
    let deleted = sqlx::query("DELETE FROM alerts WHERE id = ?")
        .bind(id)
        .execute(store.pool())
        .await
        .map_err(|e| store.error(e))?
        .rows_affected();
    if deleted == 0 {
        return Err(AlertError::NotFound(id));
    }
    Ok(())
}

/// Saves new states and fired events in one transaction: a crash never leaves an alert fired
/// without its history, or recorded without its state (which would fire it again).
pub async fn record(
    store: &Store,
    changed: &[(AlertId, AlertState)],
    fired: &[FiredAlert],
) -> Result<(), StoreError> {
    if changed.is_empty() && fired.is_empty() {
        return Ok(());
    }
    let err = |e| store.error(e);
    let mut tx = store.pool().begin().await.map_err(err)?;
    for (id, state) in changed {
        sqlx::query("UPDATE alerts SET armed = ?, done = ?, last_fired_at = ? WHERE id = ?")
            .bind(state.armed)
            .bind(state.done)
            .bind(state.last_fired_at)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
    }
    for alert in fired {
        sqlx::query(
            "INSERT INTO alert_events (alert_id, fired_at, kind, asset_id, account, vs_currency, \
             threshold, observed, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(alert.alert_id)
        .bind(alert.at)
        .bind(alert.kind.as_str())
        .bind(&alert.coin)
        .bind(&alert.account)
        .bind(&alert.currency)
        .bind(alert.threshold.to_string())
        .bind(alert.observed.to_string())
        .bind(&alert.message)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    }
    tx.commit().await.map_err(err)
}

/// How many alerts have fired in all (the history is never trimmed).
pub async fn fired_count(store: &Store) -> Result<u64, StoreError> {
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM alert_events")
        .fetch_one(store.pool())
        .await
        .map_err(|e| store.error(e))?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// The newest `limit` fired alerts, newest first, written anew in the system's number format with
/// coin names (an event fired before names were kept reads the same as a new one).
pub async fn history(store: &Store, limit: u32) -> Result<Vec<AlertEvent>, StoreError> {
    type Row = (
        i64,
        Option<AlertId>,
        String,
        Option<CoinId>,
        Option<String>,
        String,
        String,
        String,
        UnixTime,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT e.id, e.alert_id, e.kind, e.asset_id, e.account, e.vs_currency, e.threshold, \
         e.observed, e.fired_at, {COIN_LABEL_SQL}, e.message FROM alert_events AS e \
         LEFT JOIN assets ON assets.id = e.asset_id ORDER BY e.fired_at DESC, e.id DESC LIMIT ?"
    ))
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .map_err(|e| store.error(e))?;
    rows.into_iter()
        .map(|row| {
            let (id, alert_id, kind, coin, account, currency, threshold, observed, fired_at) = (
                row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
            );
            let (coin_label, stored_message) = (row.9, row.10);
            let kind = AlertKind::parse(&kind).ok_or_else(|| corrupt(store))?;
            let currency = Currency::parse(&currency).ok_or_else(|| corrupt(store))?;
            let threshold: Decimal = threshold.parse().map_err(|_| corrupt(store))?;
            let observed: Decimal = observed.parse().map_err(|_| corrupt(store))?;
            let subject = Subject {
                coin: coin_label.as_deref().or(coin.as_ref().map(CoinId::as_str)),
                account: account.as_deref(),
            };
            // A wallet's line lists every coin that changed, which its fields cannot rebuild.
            let message = match kind.is_wallet() {
                true => stored_message,
                false => text::fired(
                    kind,
                    subject,
                    currency.as_str(),
                    threshold,
                    observed,
                    NumberStyle::system(),
                ),
            };
            Ok(AlertEvent {
                id,
                alert_id,
                kind,
                coin,
                coin_label,
                account,
                currency,
                threshold,
                observed,
                fired_at,
                message,
            })
        })
        .collect()
}

/// Coins and currencies the rules watch, so the sync fetches them (no extra calls: they join the
/// same batched request).
pub async fn watched(store: &Store) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let rows: Vec<(Option<String>, String)> =
        sqlx::query_as("SELECT DISTINCT asset_id, vs_currency FROM alerts WHERE done = 0")
            .fetch_all(store.pool())
            .await
            .map_err(|e| store.error(e))?;
    let coins = rows.iter().filter_map(|(c, _)| c.clone()).collect();
    let currencies = rows.into_iter().map(|(_, cur)| cur).collect();
    Ok((coins, currencies))
}
