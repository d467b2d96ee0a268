//! `alerts add|list|remove|pause|resume|snooze|history`, and how the daemon announces fired alerts:
//! one line each (JSON with `--json`) and the user's `--notify-command`.

use std::time::Duration;

use crypto_balance_core::alerts::{
    AlertChange, AlertKind, AlertRule, ChannelKind, FiredAlert, NewAlert,
};
use crypto_balance_core::clock::{iso8601, UnixTime};
use crypto_balance_core::notify::{ChannelsChange, Delivery};
use crypto_balance_core::{App, ErrorCode, ErrorReport};
use rust_decimal::Decimal;
use serde_json::json;

use crate::args::{AlertArgs, AlertsCommand, ChannelArgs};
use crate::output::{done, print_json, print_lines, table};

/// A notify command that runs longer than this is left behind (and logged).
const NOTIFY_TIMEOUT: Duration = Duration::from_secs(30);

pub async fn run(app: &App, command: &AlertsCommand, json: bool) -> Result<(), ErrorReport> {
    match command {
        AlertsCommand::Add(args) => {
            let rule = app.add_alert(new_alert(args)?).await?;
            if json {
                print_json(&rule);
            } else {
                print_lines(&[
                    format!("Added alert {}: {}", rule.id, rule.description),
                    "It fires when the condition becomes true (not at once if it already is)."
                        .into(),
                ]);
            }
        }
        AlertsCommand::List => list(&app.alerts().await?, app.now(), json),
        AlertsCommand::Remove { id } => {
            app.delete_alert(*id).await?;
            done(&format!("Removed alert {id}; its history stays"), json);
        }
        AlertsCommand::Pause { id } | AlertsCommand::Resume { id } => {
            let paused = matches!(command, AlertsCommand::Pause { .. });
            let change = AlertChange {
                paused: Some(paused),
                ..AlertChange::default()
            };
            let rule = app.update_alert(*id, &change).await?;
            let state = if rule.paused { "paused" } else { "active" };
            done(&format!("Alert {id} is {state}"), json);
        }
        AlertsCommand::Snooze { id, minutes } => {
            let until = app.now() + minutes * 60;
            let change = AlertChange {
                snoozed_until: Some(UnixTime::from_seconds(until)),
                ..AlertChange::default()
            };
            app.update_alert(*id, &change).await?;
            done(
                &format!("Alert {id} is snoozed until {}", iso8601(until)),
                json,
            );
        }
        AlertsCommand::History {
            limit,
            deliveries: true,
        } => deliveries(&app.alert_deliveries(*limit).await?, json),
        AlertsCommand::Channels(args) => channels(app, args, json).await?,
        AlertsCommand::History { limit, .. } => {
            let events = app.alert_history(*limit).await?;
            if json {
                print_json(&events);
            } else if events.is_empty() {
                print_lines(&["No alert has fired yet.".into()]);
            } else {
                let lines = events
                    .iter()
                    .map(|e| format!("{}  {}", e.fired_at, e.message))
                    .collect::<Vec<_>>();
                print_lines(&lines);
            }
        }
    }
    Ok(())
}

/// `--channels`: `all` (`None`), `none` (`[]`) or names separated by commas.
fn chosen_channels(text: &str) -> Result<Option<Vec<ChannelKind>>, ErrorReport> {
    match text.trim() {
        "all" => Ok(None),
        "none" => Ok(Some(Vec::new())),
        list => list
            .split(',')
            .map(|name| {
                ChannelKind::parse(name).ok_or_else(|| ErrorReport {
                    code: ErrorCode::InvalidInput,
                    message: format!(
                        "--channels: '{}' is not a channel (all, none, ntfy, webhook)",
                        name.trim()
                    ),
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
    }
}

fn new_alert(args: &AlertArgs) -> Result<NewAlert, ErrorReport> {
    let (kind, threshold) = if args.wallet_changed.is_some() {
        (AlertKind::WalletChanged, Decimal::ZERO)
    } else if let Some(level) = args.above {
        (AlertKind::PriceAbove, level)
    } else if let Some(level) = args.below {
        (AlertKind::PriceBelow, level)
    } else if let Some(percent) = args.change_24h {
        let kind = match args.direction.as_str() {
            "up" => AlertKind::ChangeUp,
            "down" => AlertKind::ChangeDown,
            _ => AlertKind::ChangeEither,
        };
        (kind, percent)
    } else if let Some(level) = args.portfolio_above {
        (AlertKind::PortfolioAbove, level)
    } else if let Some(level) = args.portfolio_below {
        (AlertKind::PortfolioBelow, level)
    } else if let Some(level) = args.holding_above {
        (AlertKind::HoldingAbove, level)
    } else {
        // clap requires one level option; holding_below is the last one left.
        (
            AlertKind::HoldingBelow,
            args.holding_below.unwrap_or_default(),
        )
    };
    Ok(NewAlert {
        kind,
        coin: args.coin.clone(),
        account: args.wallet_changed.clone().or(args.account.clone()),
        currency: args.currency.clone(),
        threshold,
        note: args.note.clone(),
        repeating: !args.once,
        cooldown_seconds: args.cooldown,
        channels: chosen_channels(&args.channels)?,
    })
}

fn list(rules: &[AlertRule], now: i64, json: bool) {
    if json {
        print_json(&rules);
        return;
    }
    if rules.is_empty() {
        print_lines(&[
            "No alerts yet. Add one with: crypto-balance alerts add --coin btc --above 100000"
                .into(),
        ]);
        return;
    }
    let rows: Vec<Vec<String>> = rules
        .iter()
        .map(|r| {
            let snoozed = r.snoozed_until.is_some_and(|until| until.seconds() > now);
            let state = if r.done {
                "done"
            } else if r.paused {
                "paused"
            } else if snoozed {
                "snoozed"
            } else {
                "active"
            };
            vec![
                r.id.to_string(),
                r.description.clone(),
                if r.repeating { "repeating" } else { "once" }.into(),
                state.into(),
                r.last_fired_at
                    .map(|at| at.to_string())
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    table(
        &["ID", "RULE", "REPEAT", "STATE", "LAST FIRED"],
        &rows,
        &[0],
    );
}

/// A fired alert as JSON: the rule id, coin, price and time (design.md section 9).
pub fn fired_json(alert: &FiredAlert) -> serde_json::Value {
    json!({
        "alert_id": alert.alert_id,
        "kind": alert.kind,
        "coin": alert.coin,
        "currency": alert.currency,
        "threshold": alert.threshold,
        "price": alert.observed,
        "at": alert.at.to_string(),
        "message": alert.message,
        "note": alert.note,
    })
}

/// Prints a fired alert for the daemon and runs the user's command for it.
pub fn announce(alert: &FiredAlert, json: bool, notify_command: Option<&str>) {
    if json {
        let mut line = fired_json(alert);
        line["event"] = json!("alert_fired");
        print_lines(&[line.to_string()]);
    } else {
        print_lines(&[format!("{}  ALERT  {}", alert.at, alert.message)]);
    }
    if let Some(command) = notify_command {
        spawn_notify(command.to_owned(), alert.clone());
    }
}

/// What the notify command inherits: enough to find programs, the user's session (for
/// `notify-send`) and locale, and nothing of ours: the passphrase, the API key and every other
/// `CRYPTO_BALANCE_*` variable stay behind.
const INHERITED: [&str; 13] = [
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TERM",
    "TMPDIR",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "XDG_RUNTIME_DIR",
];

fn inherited(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    INHERITED.contains(&name.as_ref())
        || name.starts_with("LC_")
        || name == "DBUS_SESSION_BUS_ADDRESS"
        || (cfg!(windows)
            && ["SYSTEMROOT", "COMSPEC", "PATHEXT", "TEMP", "TMP"].contains(&name.as_ref()))
}

/// Runs `command` through the shell with the alert in `CRYPTO_BALANCE_ALERT_*` variables, without
/// holding up the loop. Our text reaches it only as variables, never spliced into the command.
fn spawn_notify(command: String, alert: FiredAlert) {
    tokio::spawn(async move {
        let mut shell = if cfg!(windows) {
            let mut c = tokio::process::Command::new("cmd");
            c.arg("/C");
            c
        } else {
            let mut c = tokio::process::Command::new("sh");
            c.arg("-c");
            c
        };
        shell
            .arg(&command)
            .env_clear()
            .envs(std::env::vars_os().filter(|(name, _)| inherited(name)))
            .env("CRYPTO_BALANCE_ALERT_ID", alert.alert_id.to_string())
            .env("CRYPTO_BALANCE_ALERT_KIND", alert.kind.as_str())
            .env(
                "CRYPTO_BALANCE_ALERT_COIN",
                alert.coin.as_deref().unwrap_or_default(),
            )
            .env("CRYPTO_BALANCE_ALERT_CURRENCY", alert.currency.as_str())
            .env(
                "CRYPTO_BALANCE_ALERT_THRESHOLD",
                alert.threshold.to_string(),
            )
            .env("CRYPTO_BALANCE_ALERT_LEVEL", alert.threshold.to_string())
            .env("CRYPTO_BALANCE_ALERT_PRICE", alert.observed.to_string())
            .env("CRYPTO_BALANCE_ALERT_AT", alert.at.to_string())
            .env("CRYPTO_BALANCE_ALERT_MESSAGE", &alert.message)
            .env(
                "CRYPTO_BALANCE_ALERT_NOTE",
                alert.note.clone().unwrap_or_default(),
            )
            .kill_on_drop(true);
        match tokio::time::timeout(NOTIFY_TIMEOUT, shell.status()).await {
            Ok(Ok(status)) if status.success() => {}
            Ok(Ok(status)) => tracing::warn!(%status, "the notify command failed"),
            Ok(Err(error)) => tracing::warn!(%error, "cannot run the notify command"),
            Err(_) => tracing::warn!("the notify command took longer than 30 s; stopped it"),
        }
    });
}

fn deliveries(log: &[Delivery], json: bool) {
    if json {
        return print_json(&log);
    }
    if log.is_empty() {
        return print_lines(&["Nothing was sent to ntfy or a webhook yet.".into()]);
    }
    let rows: Vec<Vec<String>> = log
        .iter()
        .map(|d| {
            vec![
                iso8601(d.at.seconds()),
                d.channel.as_str().to_owned(),
                d.attempt.to_string(),
                d.outcome.as_str().to_owned(),
                d.detail.clone().unwrap_or_default(),
                d.message.clone(),
            ]
        })
        .collect();
    table(
        &["AT", "CHANNEL", "TRY", "OUTCOME", "WHY", "MESSAGE"],
        &rows,
        &[2],
    );
}

async fn channels(app: &App, args: &ChannelArgs, json: bool) -> Result<(), ErrorReport> {
    let ntfy_token = match &args.ntfy_token_file {
        Some(path) => {
            Some(crate::unlock::read_passphrase_file(path).map(|token| token.expose().to_owned())?)
        }
        None => None,
    };
    let change = ChannelsChange {
        ntfy_url: args.ntfy.clone(),
        ntfy_token,
        webhook_url: args.webhook.clone(),
        privacy: args.privacy.as_deref().map(|p| p == "on"),
    };
    let made = app.update_alert_channels(&change).await?;
    let secret = match made {
        Some(secret) => Some(secret),
        None if args.show_secret => app.webhook_secret().await?,
        None => None,
    };
    if args.test {
        let log = app.send_test_alert().await?;
        deliveries(&log, json);
        return Ok(());
    }
    let shown = app.alert_channels().await?;
    if json {
        let mut value = serde_json::to_value(&shown).unwrap_or_default();
        if let Some(secret) = &secret {
            value["webhook_secret"] = serde_json::json!(secret.as_str());
        }
        print_json(&value);
        return Ok(());
    }
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "not set".to_owned());
    let mut lines = vec![
        format!(
            "ntfy:     {}{}",
            or_none(&shown.ntfy_url),
            if shown.has_ntfy_token {
                " (with a token)"
            } else {
                ""
            }
        ),
        format!("webhook:  {}", or_none(&shown.webhook_url)),
        format!(
            "privacy:  {}",
            if shown.privacy {
                "on: no amounts are sent"
            } else {
                "off"
            }
        ),
    ];
    if let Some(secret) = secret {
        lines.push(format!(
            "The webhook's signing secret (keep it with the receiver): {}",
            secret.as_str()
        ));
    }
    print_lines(&lines);
    Ok(())
}
