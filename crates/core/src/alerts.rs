//! Price alerts (design.md section 6): rules, their edge-triggered evaluation after every sync
//! cycle (no extra API calls), and the history of fired alerts.
//!
//! - [`evaluate`]: the pure evaluator and the market it reads.
//! - [`db`]: rules, their state and fired events in the encrypted database.

pub mod db;
pub mod evaluate;
pub mod target;

pub use target::AlertTarget;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::clock::UnixTime;
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::ids::AlertId;
use crate::store::StoreError;

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A coin's price at or above the threshold.
    PriceAbove,
    PriceBelow,
    /// A coin's 24h change at or above +threshold percent.
    ChangeUp,
    /// A coin's 24h change at or below -threshold percent.
    ChangeDown,
    /// A 24h move of at least threshold percent either way.
    ChangeEither,
    /// The whole portfolio's value.
    PortfolioAbove,
    PortfolioBelow,
    /// One holding's value (a coin in one account, or across all accounts).
    HoldingAbove,
    HoldingBelow,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::PriceAbove => "price_above",
            AlertKind::PriceBelow => "price_below",
            AlertKind::ChangeUp => "change_up",
            AlertKind::ChangeDown => "change_down",
            AlertKind::ChangeEither => "change_either",
            AlertKind::PortfolioAbove => "portfolio_above",
            AlertKind::PortfolioBelow => "portfolio_below",
            AlertKind::HoldingAbove => "holding_above",
            AlertKind::HoldingBelow => "holding_below",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ALL_KINDS.iter().copied().find(|k| k.as_str() == text)
    }

    /// Rules about one coin (price, change, holding) need a coin; portfolio rules must not have one.
    pub fn needs_coin(self) -> bool {
        !matches!(self, AlertKind::PortfolioAbove | AlertKind::PortfolioBelow)
    }

    pub fn is_change(self) -> bool {
        matches!(
            self,
            AlertKind::ChangeUp | AlertKind::ChangeDown | AlertKind::ChangeEither
        )
    }

    pub fn is_holding(self) -> bool {
        matches!(self, AlertKind::HoldingAbove | AlertKind::HoldingBelow)
    }
}

pub(crate) const ALL_KINDS: [AlertKind; 9] = [
    AlertKind::PriceAbove,
    AlertKind::PriceBelow,
    AlertKind::ChangeUp,
    AlertKind::ChangeDown,
    AlertKind::ChangeEither,
    AlertKind::PortfolioAbove,
    AlertKind::PortfolioBelow,
    AlertKind::HoldingAbove,
    AlertKind::HoldingBelow,
];

/// A rule as stored and listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct AlertRule {
    pub id: AlertId,
    pub kind: AlertKind,
    /// Written as `coin` and `account`.
    #[serde(flatten)]
    pub target: AlertTarget,
    pub currency: Currency,
    /// A level, or a percentage for change rules.
    pub threshold: Decimal,
    pub note: Option<String>,
    /// `false`: fires once, then stays done.
    pub repeating: bool,
    pub cooldown_seconds: i64,
    pub paused: bool,
    pub snoozed_until: Option<UnixTime>,
    pub created_at: UnixTime,
    pub last_fired_at: Option<UnixTime>,
    /// A one-shot rule that has fired.
    pub done: bool,
}

impl AlertRule {
    /// The rule for people: "bitcoin at or above 70000 USD", "sol moves 10% in 24 h".
    pub fn describe(&self) -> String {
        let coin = self.target.coin().map_or("portfolio", CoinId::as_str);
        let (t, cur) = (self.threshold.normalize(), self.currency.to_uppercase());
        let on = match self.target.account() {
            Some(account) => format!("{coin} in {account}"),
            None => coin.to_owned(),
        };
        match self.kind {
            AlertKind::PriceAbove => format!("{coin} at or above {t} {cur}"),
            AlertKind::PriceBelow => format!("{coin} at or below {t} {cur}"),
            AlertKind::ChangeUp => format!("{coin} up {t}% in 24 h"),
            AlertKind::ChangeDown => format!("{coin} down {t}% in 24 h"),
            AlertKind::ChangeEither => format!("{coin} moves {t}% in 24 h"),
            AlertKind::PortfolioAbove => format!("portfolio at or above {t} {cur}"),
            AlertKind::PortfolioBelow => format!("portfolio at or below {t} {cur}"),
            AlertKind::HoldingAbove => format!("{on} worth {t} {cur} or more"),
            AlertKind::HoldingBelow => format!("{on} worth {t} {cur} or less"),
        }
    }
}

/// A rule's evaluation state, persisted so restarts never repeat or lose a crossing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertState {
    /// `None` before the first observation; `Some(true)` waiting for the condition;
    /// `Some(false)` fired (or seen true) and waiting to clear the hysteresis band.
    pub armed: Option<bool>,
    pub done: bool,
    pub last_fired_at: Option<i64>,
}

/// What `alerts add` and the UI send to create a rule.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct NewAlert {
    pub kind: AlertKind,
    /// Coin id or symbol (price, change and holding rules).
    #[specta(optional)]
    pub coin: Option<String>,
    /// One account for holding rules; absent means all accounts.
    #[specta(optional)]
    pub account: Option<String>,
    /// Default: the base currency.
    #[specta(optional)]
    pub currency: Option<String>,
    pub threshold: Decimal,
    #[specta(optional)]
    pub note: Option<String>,
    /// Default: repeating.
    #[serde(default = "yes")]
    pub repeating: bool,
    #[serde(default)]
    pub cooldown_seconds: i64,
}

fn yes() -> bool {
    true
}

/// A change to a rule's schedule: pause, resume, snooze, note.
#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct AlertChange {
    #[specta(optional)]
    pub paused: Option<bool>,
    /// Unix seconds until which the rule stays quiet; 0 ends a snooze.
    #[specta(optional)]
    pub snoozed_until: Option<UnixTime>,
    /// An empty note removes it.
    #[specta(optional)]
    pub note: Option<String>,
    #[specta(optional)]
    pub cooldown_seconds: Option<i64>,
}

/// One fired alert: stored in the history, sent as a notification, printed by the daemon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FiredAlert {
    pub alert_id: AlertId,
    pub kind: AlertKind,
    pub coin: Option<CoinId>,
    pub account: Option<String>,
    pub currency: Currency,
    pub threshold: Decimal,
    /// The price, value or percentage that crossed the line.
    pub observed: Decimal,
    /// Unix seconds.
    pub at: UnixTime,
    /// One line for a notification: "Bitcoin is above 70,000 USD: 70,123.4 USD".
    pub message: String,
    pub note: Option<String>,
}

impl FiredAlert {
    pub fn new(rule: &AlertRule, observed: Decimal, at: i64) -> Self {
        Self {
            alert_id: rule.id,
            kind: rule.kind,
            coin: rule.target.coin().cloned(),
            account: rule.target.account().map(str::to_owned),
            currency: rule.currency.clone(),
            threshold: rule.threshold,
            observed,
            at: UnixTime::from_seconds(at),
            message: message(rule, observed),
            note: rule.note.clone(),
        }
    }
}

fn message(rule: &AlertRule, observed: Decimal) -> String {
    let coin = rule.target.coin().map_or("your portfolio", CoinId::as_str);
    let cur = rule.currency.to_uppercase();
    let (t, v) = (rule.threshold.normalize(), observed.normalize());
    let holding = match rule.target.account() {
        Some(account) => format!("{coin} in {account}"),
        None => format!("{coin} (all accounts)"),
    };
    match rule.kind {
        AlertKind::PriceAbove => format!("{coin} is at or above {t} {cur}: {v} {cur}"),
        AlertKind::PriceBelow => format!("{coin} is at or below {t} {cur}: {v} {cur}"),
        AlertKind::ChangeUp => format!("{coin} is up {}% in 24 h (alert at +{t}%)", v.round_dp(2)),
        AlertKind::ChangeDown => {
            format!(
                "{coin} is down {}% in 24 h (alert at -{t}%)",
                v.abs().round_dp(2)
            )
        }
        AlertKind::ChangeEither => {
            format!("{coin} moved {}% in 24 h (alert at {t}%)", v.round_dp(2))
        }
        AlertKind::PortfolioAbove => format!("Your portfolio is at or above {t} {cur}: {v} {cur}"),
        AlertKind::PortfolioBelow => format!("Your portfolio is at or below {t} {cur}: {v} {cur}"),
        AlertKind::HoldingAbove => format!("{holding} is worth {v} {cur}, at or above {t} {cur}"),
        AlertKind::HoldingBelow => format!("{holding} is worth {v} {cur}, at or below {t} {cur}"),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("{0} alerts need a coin (--coin ID)")]
    CoinNeeded(&'static str),
    #[error("portfolio alerts watch the whole portfolio: leave out the coin")]
    CoinNotAllowed,
    #[error("only holding alerts take an account")]
    AccountNotAllowed,
    #[error("the level must be greater than zero, not {0}")]
    NotPositive(Decimal),
    #[error("{0} is beyond the highest level accepted ({1})")]
    LevelTooLarge(Decimal, Decimal),
    #[error("a 24h change alert takes a percentage between 0 and 1000, not {0}")]
    PercentOutOfRange(Decimal),
    #[error("the cooldown must be between 0 and 30 days in seconds, not {0}")]
    CooldownOutOfRange(i64),
    #[error("the note is longer than 500 characters")]
    NoteTooLong,
    #[error("this alert exists already (alert {0})")]
    Duplicate(AlertId),
    #[error("no alert with id {0}")]
    NotFound(AlertId),
    #[error(transparent)]
    Store(#[from] StoreError),
}
