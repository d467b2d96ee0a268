//! The rate commands: `sync --once`, `rates`, `override`, `value`, `daemon` and `settings`.

use std::sync::Arc;

use crypto_balance_core::app::RateView;
use crypto_balance_core::assets::coin_label;
use crypto_balance_core::events::Event;
use crypto_balance_core::lots::{Method, Scope};
use crypto_balance_core::numbers::NumberStyle;
use crypto_balance_core::settings::RatesSettingsChange;
use crypto_balance_core::sync::{CycleReport, Refresher, SyncLock, SyncState};
use crypto_balance_core::valuation::Valuation;
use crypto_balance_core::{App, Error, ErrorCode, ErrorReport};
use rust_decimal::Decimal;
use serde_json::json;

use crate::args::SettingsArgs;
use crate::output::{money, print_json, print_lines, table};

/// One whole cycle (fetch, store, snapshot) while holding the folder's sync lock.
pub async fn sync_once(app: &App, json: bool) -> Result<(), ErrorReport> {
    let _lock = SyncLock::acquire(app.data_dir().path()).map_err(Error::from)?;
    let report = app.sync_cycle().await?;
    if json {
        print_json(&cycle_json(&report));
    } else {
        print_lines(&[cycle_line(&report)]);
        for alert in &report.alerts_fired {
            crate::alerts::announce(alert, false, None);
        }
    }
    Ok(())
}

/// A cycle's report for `--json`: the same fields for `sync --once` and each daemon update.
fn cycle_json(report: &CycleReport) -> serde_json::Value {
    json!({
        "at": report.at.to_string(),
        "calls": report.calls,
        "updated": report.updated,
        "missing": report.missing,
        "total": report.total,
        "currency": report.currency,
        "alerts_fired": report.alerts_fired.iter().map(crate::alerts::fired_json).collect::<Vec<_>>(),
    })
}

fn cycle_line(report: &CycleReport) -> String {
    let mut line = format!(
        "{} updated {} prices with {} call{}; portfolio {}",
        report.at,
        report.updated,
        report.calls,
        if report.calls == 1 { "" } else { "s" },
        NumberStyle::system().money(report.total, &report.currency),
    );
    if !report.missing.is_empty() {
        line.push_str(&format!("; no price for {}", report.missing.join(", ")));
    }
    line
}

fn age(seconds: Option<i64>) -> String {
    match seconds {
        None => "-".into(),
        Some(s) if s < 120 => format!("{s} s"),
        Some(s) if s < 7_200 => format!("{} min", s / 60),
        Some(s) if s < 172_800 => format!("{} h", s / 3_600),
        Some(s) => format!("{} days", s / 86_400),
    }
}

pub async fn rates(app: &App, coins: &[String], json: bool) -> Result<(), ErrorReport> {
    let rates: Vec<RateView> = app.rates(coins).await?;
    if json {
        print_json(&rates);
        return Ok(());
    }
    if rates.is_empty() {
        print_lines(&["No prices yet. Fetch them with: crypto-balance sync --once".into()]);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = rates
        .iter()
        .map(|r| {
            vec![
                r.coin_label.clone().unwrap_or_else(|| r.coin.to_string()),
                money(r.price),
                r.currency.to_uppercase(),
                r.change_24h
                    .map_or_else(|| "-".into(), |c| NumberStyle::system().percent(c)),
                if r.overridden {
                    "manual".into()
                } else {
                    age(r.age_seconds)
                },
            ]
        })
        .collect();
    table(&["COIN", "PRICE", "CUR", "24H", "AGE"], &rows, &[1, 3]);
    Ok(())
}

pub async fn value(app: &App, currency: Option<&str>, json: bool) -> Result<(), ErrorReport> {
    let valuation: Valuation = app.valuation(currency).await?;
    if json {
        print_json(&valuation);
        return Ok(());
    }
    if valuation.holdings.is_empty() {
        print_lines(&[
            "No holdings yet. Add one with: crypto-balance holdings add --coin btc --amount 0.5"
                .into(),
        ]);
        return Ok(());
    }
    let style = NumberStyle::system();
    let rows: Vec<Vec<String>> = valuation
        .holdings
        .iter()
        .map(|h| {
            vec![
                h.holding.account.clone(),
                coin_label(&h.holding.name, &h.holding.symbol),
                style.amount(h.holding.amount),
                money(h.price),
                money(h.value),
                if h.price_overridden {
                    "manual".into()
                } else {
                    age(h.price_age_seconds)
                },
            ]
        })
        .collect();
    table(
        &["ACCOUNT", "COIN", "AMOUNT", "PRICE", "VALUE", "AGE"],
        &rows,
        &[2, 3, 4],
    );
    let mut lines = vec![format!(
        "TOTAL {}{}",
        style.money(valuation.total, &valuation.currency),
        valuation
            .as_of
            .map(|at| format!(" (prices as of {at})"))
            .unwrap_or_default()
    )];
    if !valuation.missing_prices.is_empty() {
        lines.push(format!(
            "No {} price for: {} (not counted; run `crypto-balance sync --once`, or set one with `crypto-balance override`)",
            valuation.currency.to_uppercase(),
            missing_labels(&valuation).join(", ")
        ));
    }
    print_lines(&lines);
    Ok(())
}

/// The coins without a price, by name: the holdings say what each is called.
fn missing_labels(valuation: &Valuation) -> Vec<String> {
    valuation
        .missing_prices
        .iter()
        .map(|coin| {
            valuation
                .holdings
                .iter()
                .find(|h| &h.holding.coin == coin)
                .map_or_else(
                    || coin.to_string(),
                    |h| coin_label(&h.holding.name, &h.holding.symbol),
                )
        })
        .collect()
}

pub async fn set_override(
    app: &App,
    coin: &str,
    price: Option<Decimal>,
    currency: Option<&str>,
    json: bool,
) -> Result<(), ErrorReport> {
    app.set_price_override(coin, price, currency).await?;
    let message = match price {
        Some(price) => format!(
            "{coin} is now priced at {} by hand; `--clear` to use CoinGecko's price again",
            NumberStyle::system().money_number(price)
        ),
        None => format!("{coin} uses CoinGecko's price again"),
    };
    crate::output::done(&message, json);
    Ok(())
}

pub async fn settings(app: &App, args: &SettingsArgs, json: bool) -> Result<(), ErrorReport> {
    let api_key = match (&args.api_key_file, args.clear_api_key) {
        (Some(path), _) => Some(read_key_file(path)?),
        (None, true) => Some(String::new()),
        (None, false) => None,
    };
    let change = RatesSettingsChange {
        base_currency: args.base_currency.clone(),
        refresh_interval_seconds: args.refresh_interval,
        plan: args.plan,
        api_key,
        older_prices: args.older_prices.as_deref().map(|on| on == "on"),
    };
    app.update_rates_settings(&change).await?;
    let mut cost = app.cost_settings().await?;
    if args.cost_method.is_some() || args.cost_scope.is_some() {
        // The parsers only let the listed names through.
        if let Some(method) = args.cost_method.as_deref().and_then(Method::parse) {
            cost.method = method;
        }
        if let Some(scope) = args.cost_scope.as_deref().and_then(Scope::parse) {
            cost.scope = scope;
        }
        app.set_cost_settings(cost).await?;
    }
    let settings = app.rates_settings().await?;
    let effective = app.planned_interval(1).await.as_secs();
    if json {
        print_json(&json!({
            "base_currency": settings.base_currency,
            "refresh_interval_seconds": settings.refresh_interval_seconds,
            "effective_interval_seconds": effective,
            "plan": settings.plan,
            "has_api_key": settings.has_api_key,
            "older_prices": settings.older_prices,
            "cost_method": cost.method,
            "cost_scope": cost.scope,
        }));
    } else {
        print_lines(&[
            format!("base currency:     {}", settings.base_currency),
            format!(
                "refresh interval:  {} s (in force: {effective} s, within the plan's budget)",
                settings.refresh_interval_seconds
            ),
            format!("CoinGecko plan:    {}", settings.plan.as_str()),
            format!(
                "CoinGecko API key: {}",
                if settings.has_api_key {
                    "stored (encrypted)"
                } else {
                    "none"
                }
            ),
            format!(
                "older prices:      {}",
                if settings.older_prices {
                    "from DefiLlama (it learns the coins and dates asked for)"
                } else {
                    "off: days older than the plan reaches stay gaps"
                }
            ),
            format!(
                "cost basis:        {}, lots {}",
                cost.method.label(),
                cost.scope.label()
            ),
        ]);
    }
    Ok(())
}

fn read_key_file(path: &std::path::Path) -> Result<String, ErrorReport> {
    let text = std::fs::read_to_string(path).map_err(|e| ErrorReport {
        code: ErrorCode::InvalidInput,
        message: format!("cannot read API key file {}: {e}", path.display()),
    })?;
    let key = text.lines().next().unwrap_or_default().trim().to_owned();
    if key.is_empty() {
        return Err(ErrorReport {
            code: ErrorCode::InvalidInput,
            message: format!("API key file {} is empty", path.display()),
        });
    }
    Ok(key)
}

/// Runs the sync loop until SIGINT or SIGTERM, printing each update (one JSON line with `--json`).
pub async fn daemon(
    app: Arc<App>,
    json: bool,
    notify_command: Option<&str>,
    api: Option<(tokio::net::TcpListener, crypto_balance_api::ServeOptions)>,
) -> Result<(), ErrorReport> {
    use tokio::sync::broadcast::error::RecvError;
    // Everything printed comes from core's one event channel; the loop's own channel only says
    // when the loop has ended.
    let mut events = app.subscribe();
    let refresher = Arc::new(Refresher::new(app.clone()));
    refresher.start().await;
    let Some(mut loop_events) = refresher.loop_events().await else {
        let status = refresher.status().await;
        return Err(ErrorReport {
            code: status.error_code.unwrap_or(ErrorCode::Conflict),
            message: status
                .message
                .unwrap_or_else(|| "the sync loop could not start".to_owned()),
        });
    };
    tracing::info!(data_dir = %app.data_dir(), "daemon started");
    let serving = match api {
        Some(listening) => {
            Some(crate::api::serve(listening, app.clone(), refresher.clone(), json).await?)
        }
        None => None,
    };
    let stop = shutdown_signal();
    tokio::pin!(stop);
    let ended_by_itself = loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => print_event(&event, json, notify_command),
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break true,
            },
            ended = loop_events.recv() => if let Err(RecvError::Closed) = ended {
                break true;
            },
            () = &mut stop => break false,
        }
    };
    if let Some(serving) = serving {
        serving.stop().await;
    }
    // Finish or roll back a cycle in flight, release the lock, close the database.
    refresher.shut_down().await;
    if ended_by_itself {
        // A daemon that no longer refreshes must not look alive: exit 1, so systemd's
        // Restart=on-failure starts it again.
        return Err(crate::unlock::internal(
            "the sync loop stopped unexpectedly; exiting so the service manager restarts the daemon"
                .to_owned(),
        ));
    }
    Ok(())
}

fn print_event(event: &Event, json: bool, notify_command: Option<&str>) {
    match event {
        Event::RatesUpdated(report) => {
            if json {
                let mut line = cycle_json(report);
                line["event"] = json!("rates_updated");
                print_json_line(&line);
            } else {
                print_lines(&[cycle_line(report)]);
            }
        }
        Event::AlertFired(alert) => crate::alerts::announce(alert, json, notify_command),
        Event::WalletScanned(report) => crate::wallets::announce(report, json),
        Event::SyncStatus(status)
            if matches!(
                status.state,
                SyncState::BackingOff | SyncState::NeedsAttention
            ) =>
        {
            let retry = status.next_at.map(|at| at.to_string()).unwrap_or_default();
            let message = status.message.clone().unwrap_or_default();
            if json {
                print_json_line(&json!({
                    "event": "sync_failed",
                    "message": message,
                    "code": status.error_code,
                    "retry_at": retry,
                }));
            } else {
                tracing::warn!("{message} (next try {retry})");
            }
        }
        _ => {}
    }
}

fn print_json_line(value: &serde_json::Value) {
    print_lines(&[value.to_string()]);
}

#[cfg(unix)]
async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
