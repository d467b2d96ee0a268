//! Price alerts (design.md section 6): rules, their edge-triggered evaluation after every sync
//! cycle (no extra API calls), and the history of fired alerts.
//!
//! - [`evaluate`]: the pure evaluator and the market it reads.
//! - [`db`]: rules, their state and fired events in the encrypted database.

pub mod db;
pub mod evaluate;
pub mod target;
pub mod text;
pub mod wallet;

pub use target::AlertTarget;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::clock::UnixTime;
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::ids::AlertId;
use crate::numbers::NumberStyle;
use crate::store::StoreError;

/// What a rule watches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, utoipa::ToSchema,
)]
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
    /// A watched wallet's balance changed in a scan (any coin, any amount).
    WalletChanged,
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
            AlertKind::WalletChanged => "wallet_changed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ALL_KINDS.iter().copied().find(|k| k.as_str() == text)
    }

    /// Rules about one coin (price, change, holding) need a coin; portfolio and wallet rules must
    /// not have one.
    pub fn needs_coin(self) -> bool {
        !matches!(
            self,
            AlertKind::PortfolioAbove | AlertKind::PortfolioBelow | AlertKind::WalletChanged
        )
    }

    /// Fired by a wallet's scan, not by prices.
    pub fn is_wallet(self) -> bool {
        self == AlertKind::WalletChanged
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

pub(crate) const ALL_KINDS: [AlertKind; 10] = [
    AlertKind::PriceAbove,
    AlertKind::PriceBelow,
    AlertKind::ChangeUp,
    AlertKind::ChangeDown,
    AlertKind::ChangeEither,
    AlertKind::PortfolioAbove,
    AlertKind::PortfolioBelow,
    AlertKind::HoldingAbove,
    AlertKind::HoldingBelow,
    AlertKind::WalletChanged,
];

/// A channel beyond the desktop that fired alerts can go to (see [`crate::notify`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Ntfy,
    Webhook,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Ntfy => "ntfy",
            ChannelKind::Webhook => "webhook",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "ntfy" => Some(ChannelKind::Ntfy),
            "webhook" => Some(ChannelKind::Webhook),
            _ => None,
        }
    }
}

/// A rule's channels as stored: `None` for every channel set up, else the list (empty: none).
pub fn channels_text(channels: Option<&[ChannelKind]>) -> Option<String> {
    channels.map(|list| {
        list.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// The reverse of [`channels_text`]; unknown names are dropped.
pub fn channels_from_text(text: Option<&str>) -> Option<Vec<ChannelKind>> {
    text.map(|t| t.split(',').filter_map(ChannelKind::parse).collect())
}

/// A rule as stored and listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct AlertRule {
    pub id: AlertId,
    pub kind: AlertKind,
    /// Written as `coin` and `account`.
    #[serde(flatten)]
    #[schema(value_type = crate::alerts::target::TargetFields)]
    pub target: AlertTarget,
    /// The coin for people, "Bitcoin (BTC)"; `None` for portfolio rules.
    pub coin_label: Option<String>,
    /// The whole rule for people, in the system's number format.
    pub description: String,
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
    /// Where its alerts go besides the desktop: `null` for every channel set up, `[]` for none.
    pub channels: Option<Vec<ChannelKind>>,
}

/// A repeating USD rule with no note, schedule or history: what the evaluator's tests and its
/// benchmark vary from.
#[cfg(any(test, feature = "bench"))]
impl AlertRule {
    pub fn plain(id: AlertId, kind: AlertKind, target: AlertTarget, threshold: Decimal) -> Self {
        AlertRule {
            id,
            kind,
            target,
            coin_label: None,
            description: String::new(),
            currency: Currency::usd(),
            threshold,
            note: None,
            repeating: true,
            cooldown_seconds: 0,
            paused: false,
            snoozed_until: None,
            created_at: UnixTime::from_seconds(0),
            last_fired_at: None,
            done: false,
            channels: None,
        }
    }
}

impl AlertRule {
    /// The rule for people: "Bitcoin (BTC) at or above 70,000.00 USD".
    pub fn describe(&self, style: &NumberStyle) -> String {
        text::rule(
            self.kind,
            self.subject(),
            self.currency.as_str(),
            self.threshold,
            style,
        )
    }

    /// Whether a firing now is held back: paused, snoozed, or within its cooldown.
    pub(crate) fn is_quiet(&self, state: &AlertState, now: i64) -> bool {
        self.paused
            || self
                .snoozed_until
                .is_some_and(|until| now < until.seconds())
            || state
                .last_fired_at
                .is_some_and(|at| now.saturating_sub(at) < self.cooldown_seconds)
    }

    fn subject(&self) -> text::Subject<'_> {
        text::Subject {
            coin: self
                .coin_label
                .as_deref()
                .or(self.target.coin().map(CoinId::as_str)),
            account: self.target.account(),
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

impl AlertState {
    /// The state once `rule` fires at `now`: its cooldown starts, and a one-shot rule is done.
    pub(crate) fn after_firing(&self, rule: &AlertRule, now: i64) -> AlertState {
        AlertState {
            done: !rule.repeating,
            last_fired_at: Some(now),
            ..self.clone()
        }
    }
}

/// What `alerts add` and the UI send to create a rule.
#[derive(Debug, Clone, Deserialize, Type, utoipa::ToSchema)]
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
    /// Where its alerts go besides the desktop; absent: every channel set up, `[]`: none.
    #[serde(default)]
    #[specta(optional)]
    pub channels: Option<Vec<ChannelKind>>,
}

fn yes() -> bool {
    true
}

impl NewAlert {
    /// A repeating rule on `coin` (or on none) in the base currency, for every account and
    /// channel, with no note or cooldown: what `alerts add` makes when asked nothing more.
    pub fn new(kind: AlertKind, coin: Option<&str>, threshold: Decimal) -> Self {
        NewAlert {
            kind,
            coin: coin.map(str::to_owned),
            account: None,
            currency: None,
            threshold,
            note: None,
            repeating: true,
            cooldown_seconds: 0,
            channels: None,
        }
    }
}

/// A change to a rule's schedule: pause, resume, snooze, note.
#[derive(Debug, Clone, Default, Deserialize, Type, utoipa::ToSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct FiredAlert {
    pub alert_id: AlertId,
    pub kind: AlertKind,
    pub coin: Option<CoinId>,
    pub coin_label: Option<String>,
    pub account: Option<String>,
    pub currency: Currency,
    pub threshold: Decimal,
    /// The price, value or percentage that crossed the line.
    pub observed: Decimal,
    /// Unix seconds.
    pub at: UnixTime,
    /// One line for a notification: "Bitcoin (BTC) is at or above 70,000.00 USD: 70,123.40 USD".
    pub message: String,
    pub note: Option<String>,
    /// The rule's channels beyond the desktop (`null`: every channel set up).
    pub channels: Option<Vec<ChannelKind>>,
}

impl FiredAlert {
    /// The alert without its amounts (privacy mode): "Bitcoin (BTC) rose to your alert level".
    pub fn private_message(&self) -> String {
        text::fired_privately(
            self.kind,
            text::Subject {
                coin: self
                    .coin_label
                    .as_deref()
                    .or(self.coin.as_ref().map(CoinId::as_str)),
                account: self.account.as_deref(),
            },
        )
    }

    pub fn new(rule: &AlertRule, observed: Decimal, at: i64) -> Self {
        Self {
            alert_id: rule.id,
            kind: rule.kind,
            coin: rule.target.coin().cloned(),
            coin_label: rule.coin_label.clone(),
            account: rule.target.account().map(str::to_owned),
            currency: rule.currency.clone(),
            threshold: rule.threshold,
            observed,
            at: UnixTime::from_seconds(at),
            message: text::fired(
                rule.kind,
                rule.subject(),
                rule.currency.as_str(),
                rule.threshold,
                observed,
                NumberStyle::system(),
            ),
            note: rule.note.clone(),
            channels: rule.channels.clone(),
        }
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
    #[error("a wallet alert needs the wallet's name (--wallet-changed NAME)")]
    WalletNeeded,
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
