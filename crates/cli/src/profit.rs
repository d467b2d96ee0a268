//! The lots commands: `pl`, `lots` and `report gains`, and the method behind every figure.

use std::path::Path;

use crypto_balance_core::app::{HistoryQuery, ProfitQuery};
use crypto_balance_core::lots::{Method, Scope};
use crypto_balance_core::numbers::NumberStyle;
use crypto_balance_core::{App, ErrorReport};

use crate::args::CostArgs;
use crate::output::{day, money, print_json, print_lines, progress_done, progress_line, table};

/// Said under every figure a method produced.
pub const NOT_ADVICE: &str = "Not tax advice: check the figures against your records and your \
country's rules.";

fn query(year: Option<i32>, cost: &CostArgs) -> ProfitQuery {
    ProfitQuery {
        year,
        // The parsers only let the listed names through.
        method: cost.method.as_deref().and_then(Method::parse),
        scope: cost.scope.as_deref().and_then(Scope::parse),
    }
}

fn method_line(method: Method, scope: Scope) -> String {
    format!("method: {}, lots {}", method.label(), scope.label())
}

pub async fn pl(
    app: &App,
    year: Option<i32>,
    cost: &CostArgs,
    json: bool,
) -> Result<(), ErrorReport> {
    let pl = app.profit_loss(&query(year, cost)).await?;
    if json {
        print_json(&pl);
        return Ok(());
    }
    let style = NumberStyle::system();
    let currency = pl.currency.to_string();
    let period = year.map_or_else(|| "all time".to_owned(), |y| y.to_string());
    let rows: Vec<Vec<String>> = pl
        .coins
        .iter()
        .map(|c| {
            vec![
                c.coin_label.clone(),
                style.amount(c.amount),
                match (c.uncosted.is_zero(), c.cost_remaining.is_zero()) {
                    (true, _) => money(Some(c.cost_remaining)),
                    (false, true) => "unknown".into(),
                    (false, false) => format!("{} + unknown", money(Some(c.cost_remaining))),
                },
                money(Some(c.realized)),
                money(c.unrealized),
            ]
        })
        .collect();
    if rows.is_empty() {
        print_lines(&["No entries yet: add a holding or import a file first.".into()]);
        return Ok(());
    }
    table(
        &["COIN", "HELD", "COST", "REALIZED", "UNREALIZED"],
        &rows,
        &[1, 2, 3, 4],
    );
    let accounts: Vec<Vec<String>> = pl
        .accounts
        .iter()
        .map(|a| {
            vec![
                a.account.clone(),
                money(Some(a.cost_remaining)),
                money(Some(a.realized)),
                money(Some(a.unrealized)),
            ]
        })
        .collect();
    table(
        &["ACCOUNT", "COST", "REALIZED", "UNREALIZED"],
        &accounts,
        &[1, 2, 3],
    );
    let mut lines = vec![
        format!(
            "REALIZED ({period}) {}",
            style.money(pl.realized, &currency)
        ),
        format!("UNREALIZED (now) {}", style.money(pl.unrealized, &currency)),
        method_line(pl.method, pl.scope),
    ];
    let unpriced: Vec<&str> = pl
        .coins
        .iter()
        .filter(|c| c.unrealized.is_none() && !c.amount.is_zero())
        .map(|c| c.coin_label.as_str())
        .collect();
    if !unpriced.is_empty() {
        lines.push(format!(
            "No unrealized figure for: {} (no price yet, or no recorded cost; `crypto-balance sync --once` fetches prices)",
            unpriced.join(", ")
        ));
    }
    finish(
        lines,
        pl.incomplete,
        "disposal(s) have no known price or cost and are not counted: see `crypto-balance report gains`",
    );
    Ok(())
}

/// Prints `lines`, then how many figures were left out and why, then [`NOT_ADVICE`].
fn finish(mut lines: Vec<String>, left_out: u32, why: &str) {
    if left_out > 0 {
        lines.push(format!("{left_out} {why}"));
    }
    lines.push(NOT_ADVICE.into());
    print_lines(&lines);
}

pub async fn lots(app: &App, coin: &str, cost: &CostArgs, json: bool) -> Result<(), ErrorReport> {
    let q = query(None, cost);
    let lots = app.coin_lots(coin, q.method).await?;
    if json {
        print_json(&lots);
        return Ok(());
    }
    if lots.lots.is_empty() {
        print_lines(&[format!("No open lots of {coin}.")]);
        return Ok(());
    }
    let style = NumberStyle::system();
    let rows: Vec<Vec<String>> = lots
        .lots
        .iter()
        .map(|l| {
            vec![
                l.acquired_at.map_or_else(|| "unknown".into(), day),
                l.account.clone(),
                style.amount(l.amount),
                money(l.cost),
                money(l.unit_cost),
                money(l.unrealized),
            ]
        })
        .collect();
    table(
        &[
            "ACQUIRED",
            "ACCOUNT",
            "AMOUNT",
            "COST",
            "UNIT COST",
            "UNREALIZED",
        ],
        &rows,
        &[2, 3, 4, 5],
    );
    print_lines(&[
        format!(
            "in {}; {}",
            lots.currency.to_uppercase(),
            method_line(lots.method, lots.scope)
        ),
        NOT_ADVICE.into(),
    ]);
    Ok(())
}

pub async fn report_gains(
    app: &App,
    year: i32,
    file: &Path,
    cost: &CostArgs,
    json: bool,
) -> Result<(), ErrorReport> {
    let q = query(Some(year), cost);
    let written = app.export_gains(&q, file).await?;
    let report = app.gains(&q).await?;
    if json {
        print_json(&serde_json::json!({
            "file": file,
            "rows": written,
            "method": report.method,
            "scope": report.scope,
            "currency": report.currency,
            "proceeds": report.proceeds,
            "cost": report.cost,
            "gain": report.gain,
            "incomplete": report.incomplete,
        }));
        return Ok(());
    }
    let style = NumberStyle::system();
    let currency = report.currency.to_string();
    let lines = vec![
        format!(
            "Wrote {written} disposal(s) of {year} to {}",
            file.display()
        ),
        format!(
            "proceeds {}, cost {}, gain {}",
            style.money(report.proceeds, &currency),
            style.money(report.cost, &currency),
            style.money(report.gain, &currency)
        ),
        method_line(report.method, report.scope),
    ];
    finish(
        lines,
        report.incomplete,
        "row(s) have no known price or cost: they are in the file with those cells empty, not in the totals",
    );
    Ok(())
}

pub async fn history(app: &App, query: &HistoryQuery, json: bool) -> Result<(), ErrorReport> {
    let days = app.daily_history(query).await?;
    if json {
        let points: Vec<serde_json::Value> = days
            .iter()
            .map(|d| {
                serde_json::json!({
                    "date": day(d.day),
                    "value": d.value,
                    "invested": d.invested,
                    "missing": d.missing,
                })
            })
            .collect();
        print_json(&points);
        return Ok(());
    }
    if days.is_empty() {
        print_lines(&["No entries yet: add a holding or import a file first.".into()]);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = days
        .iter()
        .map(|d| {
            vec![
                day(d.day),
                d.value.map_or_else(
                    || format!("gap ({} without a price)", d.missing),
                    |v| money(Some(v)),
                ),
                money(Some(d.invested)),
            ]
        })
        .collect();
    table(&["DATE", "VALUE", "INVESTED"], &rows, &[1, 2]);
    let gaps = days.iter().filter(|d| d.value.is_none()).count();
    if gaps > 0 {
        print_lines(&[format!(
            "{gaps} day(s) are gaps: a coin held then has no stored daily price (never counted as 0)"
        )]);
    }
    Ok(())
}

pub async fn backfill(app: &App, json: bool) -> Result<(), ErrorReport> {
    let report = app
        .backfill(|p| {
            progress_line(&format!(
                "{}: {} days left ({} of {} coins done; {} CoinGecko calls, at most {} a minute)",
                p.coin_label, p.days_left, p.done, p.coins, p.calls, p.calls_per_minute
            ))
        })
        .await;
    progress_done();
    let report = report?;
    if json {
        print_json(&report);
        return Ok(());
    }
    let mut lines = vec![format!(
        "{} coin(s): {} CoinGecko call(s), {} DefiLlama call(s), {} daily price(s) stored",
        report.coins, report.calls, report.older_calls, report.points
    )];
    for gap in &report.gaps {
        lines.push(format!(
            "gap: {} from {} to {}: {}",
            gap.coin_label,
            day(gap.from),
            day(gap.to),
            gap.reason
        ));
    }
    print_lines(&lines);
    Ok(())
}
