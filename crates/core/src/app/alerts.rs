//! The alerts side of [`App`]: rules in, evaluation after each sync cycle, history out.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::{checked_currency, App};
use crate::alerts::db::{self as alerts_db, AlertEvent, RuleToAdd};
use crate::alerts::evaluate::{evaluate, HoldingKey, Market, Observation};
use crate::alerts::{
    AlertChange, AlertError, AlertRule, AlertState, AlertTarget, FiredAlert, NewAlert,
};
use crate::clock::UnixTime;
use crate::coin::CoinId;
use crate::currency::Currency;
use crate::holdings::Holding;
use crate::ids::AlertId;
use crate::rates::StoredRate;
use crate::settings;
use crate::store::Store;
use crate::valuation::{self, PriceBook};
use crate::Error;

/// Prices older than this never fire an alert (the loop is failing, or the coin is not traded).
pub const ALERT_STALE_AFTER: i64 = 30 * 60;
/// CoinGecko stopped updating a coin's price this long ago: treat it as stale too.
const UPSTREAM_STALE_AFTER: i64 = 2 * 3_600;
const MAX_NOTE_CHARS: usize = 500;
const MAX_COOLDOWN: i64 = 30 * 86_400;

impl App {
    /// Validates and stores a rule. Nothing is saved when anything is wrong.
    pub async fn add_alert(&self, new: NewAlert) -> Result<AlertRule, Error> {
        let store = self.store().await?;
        let coin = new.coin.clone().unwrap_or_default();
        let check = || self.checked_rule(&store, new.clone());
        let (rule, _) = self.with_coin_lookup(&coin, check).await?;
        let id = alerts_db::create(&store, &rule, self.now())
            .await
            .map_err(alert_error)?;
        self.arm_alert(&store, id).await?;
        self.alert(id).await
    }

    /// Shows a new rule the last known prices at once, so a crossing before the next refresh
    /// still fires: below its line it is armed; already past it, it waits for the line to clear
    /// (the same first sight a refresh would give it). Never fires by itself.
    async fn arm_alert(&self, store: &Store, id: AlertId) -> Result<(), Error> {
        let rules: Vec<_> = alerts_db::load(store)
            .await?
            .into_iter()
            .filter(|(rule, _)| rule.id == id)
            .collect();
        let now = self.now();
        let held = crate::holdings::list(store).await?;
        let stored = crate::rates::db::load_rates(store).await?;
        let market = market(store, &rules, &held, &stored, now).await?;
        let evaluation = evaluate(&rules, &market, now, ALERT_STALE_AFTER);
        alerts_db::record(store, &evaluation.changed, &[]).await?;
        Ok(())
    }

    async fn checked_rule(&self, store: &Store, new: NewAlert) -> Result<RuleToAdd, Error> {
        let kind = new.kind;
        let given =
            |text: Option<String>| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let (coin, account) = (given(new.coin), given(new.account));
        AlertTarget::check(kind, coin.is_some(), account.is_some()).map_err(alert_error)?;
        let coin = match coin {
            Some(coin) => Some(crate::assets::resolve_id(store, &coin).await?),
            None => None,
        };
        let account = match account {
            Some(name) => {
                let accounts = crate::accounts::list(store).await?;
                let found = accounts
                    .into_iter()
                    .find(|a| a.name.eq_ignore_ascii_case(&name));
                Some(
                    found
                        .ok_or_else(|| crate::accounts::AccountError::NotFound(name.clone()))?
                        .name,
                )
            }
            None => None,
        };
        let target = AlertTarget::new(kind, coin, account).map_err(alert_error)?;
        let currency = match new.currency.as_deref() {
            Some(c) => checked_currency(c)?,
            None => settings::load(store).await?.base_currency,
        };
        let hundred_x = Decimal::ONE_THOUSAND;
        if kind.is_change() && (new.threshold <= Decimal::ZERO || new.threshold > hundred_x) {
            return Err(alert_error(AlertError::PercentOutOfRange(new.threshold)));
        }
        if kind.is_wallet() {
            // Only wallets can be watched for changes, and any change fires: there is no level.
            let name = target.account().unwrap_or_default();
            crate::wallets::find(store, name).await?;
        } else if new.threshold <= Decimal::ZERO {
            return Err(alert_error(AlertError::NotPositive(new.threshold)));
        }
        // Levels are bounded where they enter, so no comparison or band can leave the range.
        let highest = if kind.needs_coin() && !kind.is_holding() {
            crate::money::MAX_PRICE
        } else {
            crate::money::MAX_VALUE
        };
        if new.threshold > highest {
            return Err(alert_error(AlertError::LevelTooLarge(
                new.threshold,
                highest,
            )));
        }
        if !(0..=MAX_COOLDOWN).contains(&new.cooldown_seconds) {
            return Err(alert_error(AlertError::CooldownOutOfRange(
                new.cooldown_seconds,
            )));
        }
        let note = new
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            return Err(alert_error(AlertError::NoteTooLong));
        }
        Ok(RuleToAdd {
            kind,
            target,
            currency,
            threshold: if kind.is_wallet() {
                Decimal::ZERO
            } else {
                new.threshold
            },
            note,
            repeating: new.repeating,
            cooldown_seconds: new.cooldown_seconds,
            channels: new.channels.map(|mut list| {
                list.sort_by_key(|c| c.as_str());
                list.dedup();
                list
            }),
        })
    }

    pub async fn alerts(&self) -> Result<Vec<AlertRule>, Error> {
        let rules = alerts_db::load(&self.store().await?).await?;
        Ok(rules.into_iter().map(|(rule, _)| rule).collect())
    }

    async fn alert(&self, id: AlertId) -> Result<AlertRule, Error> {
        self.alerts()
            .await?
            .into_iter()
            .find(|rule| rule.id == id)
            .ok_or_else(|| alert_error(AlertError::NotFound(id)))
    }

    /// Pauses, resumes, snoozes or re-notes a rule.
    pub async fn update_alert(
        &self,
        id: AlertId,
        change: &AlertChange,
    ) -> Result<AlertRule, Error> {
        if let Some(cooldown) = change.cooldown_seconds {
            if !(0..=MAX_COOLDOWN).contains(&cooldown) {
                return Err(alert_error(AlertError::CooldownOutOfRange(cooldown)));
            }
        }
        if change
            .note
            .as_ref()
            .is_some_and(|n| n.trim().chars().count() > MAX_NOTE_CHARS)
        {
            return Err(alert_error(AlertError::NoteTooLong));
        }
        alerts_db::update(&self.store().await?, id, change)
            .await
            .map_err(alert_error)?;
        self.alert(id).await
    }

    pub async fn delete_alert(&self, id: AlertId) -> Result<(), Error> {
        alerts_db::delete(&self.store().await?, id)
            .await
            .map_err(alert_error)
    }

    /// The newest fired alerts, newest first.
    pub async fn alert_history(&self, limit: u32) -> Result<Vec<AlertEvent>, Error> {
        Ok(alerts_db::history(&self.store().await?, limit).await?)
    }

    /// How many alerts have fired in all.
    pub async fn alerts_fired_count(&self) -> Result<u64, Error> {
        Ok(alerts_db::fired_count(&self.store().await?).await?)
    }

    /// Whether every alert is paused (the tray's "Pause alerts").
    pub async fn alerts_paused(&self) -> Result<bool, Error> {
        Ok(settings::alerts_paused(&self.store().await?).await?)
    }

    pub async fn set_alerts_paused(&self, paused: bool) -> Result<(), Error> {
        Ok(settings::set_alerts_paused(&self.store().await?, paused).await?)
    }

    /// Evaluates every rule against the stored rates and saves states and fired events in one
    /// transaction. No API calls: this reads what the sync just stored.
    pub(crate) async fn evaluate_alerts(
        &self,
        store: &Store,
        holdings: &[Holding],
        rates: &[StoredRate],
        now: i64,
    ) -> Result<Vec<FiredAlert>, Error> {
        let mut rules = alerts_db::load(store).await?;
        if rules.is_empty() {
            return Ok(Vec::new());
        }
        if settings::alerts_paused(store).await? {
            for (rule, _) in &mut rules {
                rule.paused = true;
            }
        }
        let market = market(store, &rules, holdings, rates, now).await?;
        let evaluation = evaluate(&rules, &market, now, ALERT_STALE_AFTER);
        alerts_db::record(store, &evaluation.changed, &evaluation.fired).await?;
        Ok(evaluation.fired)
    }
}

fn alert_error(error: AlertError) -> Error {
    Error::Alert(error)
}

/// What the rules can observe: fresh market prices and changes, and values in each currency a
/// portfolio or holding rule asks for.
async fn market(
    store: &Store,
    rules: &[(AlertRule, AlertState)],
    holdings: &[Holding],
    rates: &[StoredRate],
    now: i64,
) -> Result<Market, Error> {
    let mut market = Market::default();
    for rate in rates.iter().filter(|r| !r.overridden) {
        let upstream_stale = rate
            .last_updated_at
            .is_some_and(|at| now - at > UPSTREAM_STALE_AFTER);
        if upstream_stale {
            continue;
        }
        let key = (rate.coin.clone(), rate.currency.clone());
        let at = rate.fetched_at;
        market.prices.insert(
            key.clone(),
            Observation {
                value: rate.price,
                at,
            },
        );
        if let Some(change) = rate.change_24h {
            market
                .changes
                .insert(key, Observation { value: change, at });
        }
    }
    let value_currencies: HashSet<&Currency> = rules
        .iter()
        .filter(|(rule, _)| !rule.kind.needs_coin() || rule.kind.is_holding())
        .map(|(rule, _)| &rule.currency)
        .collect();
    if value_currencies.is_empty() {
        return Ok(market);
    }
    let fiat = crate::assets::fiat_ids(store).await?;
    for currency in value_currencies {
        let book = PriceBook::new(rates, currency, &fiat);
        // A portfolio beyond range has no value to compare: its rules wait, and the cycle's own
        // valuation reports the overflow.
        let valuation = match valuation::value(holdings.to_vec(), &book, now) {
            Ok(valuation) => valuation,
            Err(error) => {
                tracing::warn!(%error, %currency, "value alerts skipped");
                continue;
            }
        };
        let mut per_coin: HashMap<CoinId, Option<(Decimal, i64)>> = HashMap::new();
        for held in &valuation.holdings {
            let at = held
                .price_age_seconds
                .map_or(now, |age| now.saturating_sub(age));
            let entry = per_coin
                .entry(held.holding.coin.clone())
                .or_insert(Some((Decimal::ZERO, at)));
            match (held.value, entry.as_mut()) {
                (Some(value), Some((sum, oldest))) => {
                    // The valuation's own sums did not overflow, so this one cannot either.
                    *sum = sum.saturating_add(value);
                    *oldest = (*oldest).min(at);
                    let key = HoldingKey {
                        coin: held.holding.coin.clone(),
                        account: Some(held.holding.account.clone()),
                        currency: currency.clone(),
                    };
                    market.holdings.insert(key, Observation { value, at });
                }
                _ => *entry = None,
            }
        }
        for (coin, total) in per_coin {
            if let Some((value, at)) = total {
                let key = HoldingKey {
                    coin,
                    account: None,
                    currency: currency.clone(),
                };
                market.holdings.insert(key, Observation { value, at });
            }
        }
        if valuation.missing_prices.is_empty() {
            if let Some(at) = valuation.as_of.map(UnixTime::seconds).or(Some(now)) {
                market.portfolio.insert(
                    currency.clone(),
                    Observation {
                        value: valuation.total,
                        at,
                    },
                );
            }
        }
    }
    Ok(market)
}
