//! Table-driven: price paths through the evaluator, one step per sync cycle.

use super::*;
use crate::clock::UnixTime;
use crate::coin::CoinId;

const STALE: i64 = 1_800;

fn rule(kind: AlertKind, threshold: &str) -> AlertRule {
    let bitcoin = Some(CoinId::from_stored("bitcoin".into()));
    AlertRule {
        coin_label: Some("Bitcoin (BTC)".into()),
        ..AlertRule::plain(
            AlertId::new(1),
            kind,
            AlertTarget::new(kind, bitcoin, None).unwrap_or(AlertTarget::Portfolio),
            threshold.parse().unwrap_or_default(),
        )
    }
}

/// A step: the observed value (or none) and how old it is in seconds.
#[derive(Clone, Copy)]
enum Step {
    Seen(&'static str),
    Old(&'static str),
    Missing,
}
use Step::{Missing, Old, Seen};

fn market_for(rule: &AlertRule, step: Step, now: i64) -> Market {
    let (value, at) = match step {
        Seen(v) => (v, now),
        Old(v) => (v, now - STALE - 1),
        Missing => return Market::default(),
    };
    let seen = Observation {
        value: value.parse().unwrap_or_default(),
        at,
    };
    let mut market = Market::default();
    let coin = rule
        .target
        .coin()
        .cloned()
        .unwrap_or_else(|| CoinId::from_stored("bitcoin".into()));
    let key = (coin.clone(), rule.currency.clone());
    match rule.kind {
        AlertKind::PriceAbove | AlertKind::PriceBelow => {
            market.prices.insert(key, seen);
        }
        AlertKind::ChangeUp | AlertKind::ChangeDown | AlertKind::ChangeEither => {
            market.changes.insert(key, seen);
        }
        AlertKind::PortfolioAbove | AlertKind::PortfolioBelow => {
            market.portfolio.insert(rule.currency.clone(), seen);
        }
        AlertKind::HoldingAbove | AlertKind::HoldingBelow => {
            let key = HoldingKey {
                coin,
                account: rule.target.account().map(str::to_owned),
                currency: rule.currency.clone(),
            };
            market.holdings.insert(key, seen);
        }
        // Scans fire these; prices never do.
        AlertKind::WalletChanged => {}
    }
    market
}

/// Runs `path` one step a minute, carrying the state as the database would (also across a
/// "restart": the state is all there is). Returns the steps that fired.
fn fired_steps(rule: &AlertRule, path: &[Step]) -> Vec<usize> {
    let mut state = AlertState::default();
    let mut fired = Vec::new();
    for (step_index, step) in path.iter().enumerate() {
        let now = 10_000 + 60 * i64::try_from(step_index).unwrap_or(0);
        let market = market_for(rule, *step, now);
        let result = evaluate(&[(rule.clone(), state.clone())], &market, now, STALE);
        if !result.fired.is_empty() {
            fired.push(step_index);
        }
        if let Some((_, next)) = result.changed.into_iter().next() {
            state = next;
        }
    }
    fired
}

#[test]
fn price_paths() {
    use AlertKind::*;
    // (name, kind, threshold, path, steps that fire)
    type Case = (
        &'static str,
        AlertKind,
        &'static str,
        &'static [Step],
        &'static [usize],
    );
    let cases: &[Case] = &[
        (
            "cross up",
            PriceAbove,
            "70000",
            &[Seen("69000"), Seen("69500"), Seen("70100"), Seen("70500")],
            &[2],
        ),
        (
            "hover at the line",
            PriceAbove,
            "70000",
            &[Seen("69990"), Seen("70000"), Seen("70000"), Seen("70000")],
            &[1],
        ),
        (
            "jitter inside the band",
            PriceAbove,
            "70000",
            &[
                Seen("69000"),
                Seen("70100"),
                Seen("69900"),
                Seen("70050"),
                Seen("69700"),
                Seen("70200"),
            ],
            &[1],
        ),
        (
            "clears the band and crosses again",
            PriceAbove,
            "70000",
            &[Seen("69000"), Seen("70100"), Seen("69600"), Seen("70100")],
            &[1, 3],
        ),
        (
            "gap over the line",
            PriceAbove,
            "70000",
            &[Seen("60000"), Seen("80000"), Seen("81000")],
            &[1],
        ),
        (
            "already above when created",
            PriceAbove,
            "70000",
            &[Seen("75000"), Seen("76000"), Seen("69000"), Seen("71000")],
            &[3],
        ),
        (
            "stale data never fires",
            PriceAbove,
            "70000",
            &[Seen("69000"), Old("71000"), Old("72000"), Seen("71000")],
            &[3],
        ),
        (
            "missing data changes nothing",
            PriceAbove,
            "70000",
            &[Seen("69000"), Missing, Seen("71000")],
            &[2],
        ),
        (
            "cross down",
            PriceBelow,
            "60000",
            &[
                Seen("61000"),
                Seen("59999.99"),
                Seen("59000"),
                Seen("60100"),
                Seen("60400"),
                Seen("59000"),
            ],
            &[1, 5],
        ),
        (
            "24h change up",
            ChangeUp,
            "5",
            &[Seen("1"), Seen("5.2"), Seen("4.8"), Seen("4.4"), Seen("6")],
            &[1, 4],
        ),
        (
            "24h change down",
            ChangeDown,
            "5",
            &[Seen("-1"), Seen("-5"), Seen("-7"), Seen("3"), Seen("-5.5")],
            &[1, 4],
        ),
        (
            "24h change either way",
            ChangeEither,
            "5",
            &[Seen("0"), Seen("-6"), Seen("0"), Seen("6")],
            &[1, 3],
        ),
        (
            "portfolio above",
            PortfolioAbove,
            "100000",
            &[Seen("99000"), Seen("100000.01"), Seen("100500")],
            &[1],
        ),
        (
            "holding below",
            HoldingBelow,
            "1000",
            &[Seen("1200"), Seen("999"), Seen("998")],
            &[1],
        ),
    ];
    for (name, kind, threshold, path, expected) in cases {
        let rule = rule(*kind, threshold);
        assert_eq!(&fired_steps(&rule, path), expected, "{name}");
    }
}

#[test]
fn one_shot_rules_fire_once_ever() {
    let mut rule = rule(AlertKind::PriceAbove, "70000");
    rule.repeating = false;
    let path = [Seen("69000"), Seen("71000"), Seen("60000"), Seen("72000")];
    assert_eq!(fired_steps(&rule, &path), [1]);
}

#[test]
fn a_cooldown_swallows_crossings_inside_it() {
    let mut rule = rule(AlertKind::PriceAbove, "70000");
    rule.cooldown_seconds = 600;
    // Crossings at minutes 1 and 3 (inside ten minutes), then minute 15.
    let mut path = vec![Seen("69000"), Seen("71000"), Seen("69000"), Seen("71000")];
    path.extend([Seen("69000"); 10]);
    path.push(Seen("71000"));
    assert_eq!(fired_steps(&rule, &path), [1, 14]);
}

#[test]
fn paused_and_snoozed_rules_consume_crossings_without_firing() {
    let mut paused = rule(AlertKind::PriceAbove, "70000");
    paused.paused = true;
    assert!(fired_steps(&paused, &[Seen("69000"), Seen("71000")]).is_empty());

    let mut snoozed = rule(AlertKind::PriceAbove, "70000");
    snoozed.snoozed_until = Some(UnixTime::from_seconds(10_000 + 90));
    // Crossing at minute 1 is snoozed; at minute 3 it fires again after clearing.
    let path = [Seen("69000"), Seen("71000"), Seen("69000"), Seen("71000")];
    assert_eq!(fired_steps(&snoozed, &path), [3]);
}

#[test]
fn a_restart_mid_crossing_does_not_fire_again() {
    let rule = rule(AlertKind::PriceAbove, "70000");
    let market =
        |v: &str, at: i64| market_for(&rule, Seen(Box::leak(v.to_owned().into_boxed_str())), at);
    let first = evaluate(
        &[(
            rule.clone(),
            AlertState {
                armed: Some(true),
                ..AlertState::default()
            },
        )],
        &market("71000", 100),
        100,
        STALE,
    );
    assert_eq!(first.fired.len(), 1);
    let saved = first.changed[0].1.clone();
    // The app restarts: only the saved state survives.
    let again = evaluate(&[(rule.clone(), saved)], &market("71500", 200), 200, STALE);
    assert!(again.fired.is_empty());
}

#[test]
fn fired_alerts_carry_what_crossed_and_a_readable_message() {
    let mut rule = rule(AlertKind::PriceAbove, "70000");
    rule.note = Some("sell some".into());
    let market = market_for(&rule, Seen("70123.45"), 500);
    let state = AlertState {
        armed: Some(true),
        ..AlertState::default()
    };
    let result = evaluate(&[(rule, state)], &market, 500, STALE);
    let fired = &result.fired[0];
    assert_eq!(fired.observed.to_string(), "70123.45");
    assert_eq!(fired.at.seconds(), 500);
    // Named, and in the system's number format (whatever locale the test runs in).
    let style = crate::numbers::NumberStyle::system();
    let (level, seen) = (style.money("70000", "usd"), style.money("70123.45", "usd"));
    assert_eq!(
        fired.message,
        format!("Bitcoin (BTC) is at or above {level}: {seen}")
    );
    assert_eq!(fired.note.as_deref(), Some("sell some"));
}

mod extremes {
    use proptest::prelude::*;

    use super::*;
    use crate::money::extremes::decimal;

    fn kind() -> impl Strategy<Value = AlertKind> {
        prop::sample::select(crate::alerts::ALL_KINDS.to_vec())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Levels and observations anywhere in Decimal's range, times anywhere in i64's: the
        /// evaluator decides, and never panics.
        #[test]
        fn extreme_levels_and_values_never_panic(
            kind in kind(),
            threshold in decimal(),
            values in proptest::collection::vec((decimal(), any::<i64>()), 1..6),
            now in any::<i64>(),
            cooldown in any::<i64>(),
            last_fired in proptest::option::of(any::<i64>()),
        ) {
            let mut r = rule(kind, "1");
            r.threshold = threshold;
            r.cooldown_seconds = cooldown;
            let mut state = AlertState { last_fired_at: last_fired, ..AlertState::default() };
            for (value, at) in values {
                let mut market = market_for(&r, Seen("0"), now);
                for observation in market.prices.values_mut()
                    .chain(market.changes.values_mut())
                    .chain(market.portfolio.values_mut())
                    .chain(market.holdings.values_mut())
                {
                    *observation = Observation { value, at };
                }
                let evaluation = evaluate(&[(r.clone(), state.clone())], &market, now, STALE);
                if let Some((_, next)) = evaluation.changed.into_iter().next() {
                    state = next;
                }
            }
        }
    }
}
