//! The tray icon: Show/Hide, Refresh now, Pause alerts and Quit, and a tooltip with the portfolio
//! total and the last sync. It keeps the app reachable while the window is hidden.
//!
//! With the window shown, the icon is built once the first screen is drawn ([`build_soon`], run
//! by [`crate::first_screen::after`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::sync::Mutex;

use crypto_balance_core::clock::iso8601;
use crypto_balance_core::numbers::NumberStyle;
use crypto_balance_core::sync::{CycleReport, SyncCommand};
use crypto_balance_core::App;
use tauri::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::window;

const TRAY_ID: &str = "main";
const TOGGLE: &str = "toggle";
const REFRESH: &str = "refresh";
const PAUSE_ALERTS: &str = "pause-alerts";
const QUIT: &str = "quit";

/// What the tray shows, kept so an icon built after start-up shows it too.
#[derive(Debug, Default)]
pub struct TrayShows {
    alerts_paused: AtomicBool,
    tooltip: Mutex<Option<String>>,
}

/// Builds the icon now; call on the main thread (as `setup` runs).
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let shows = app.state::<TrayShows>();
    let paused = shows.alerts_paused.load(Ordering::Relaxed);
    let tooltip = shows
        .tooltip
        .lock()
        .ok()
        .and_then(|tooltip| tooltip.clone())
        .unwrap_or_else(|| crypto_balance_core::PRODUCT_NAME.to_string());
    let toggle = MenuItem::with_id(app, TOGGLE, "Show/Hide", true, None::<&str>)?;
    let refresh = MenuItem::with_id(app, REFRESH, "Refresh now", true, None::<&str>)?;
    let pause = CheckMenuItem::with_id(
        app,
        PAUSE_ALERTS,
        "Pause alerts",
        true,
        paused,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, QUIT, "Quit Crypto Balance", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&toggle, &refresh, &pause, &separator, &quit])?;

    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(tooltip)
        .menu(&menu)
        .on_menu_event(on_menu_event);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(PauseItem(pause));
    tracing::info!("tray icon built");
    Ok(())
}

/// Builds the icon on the main thread unless it exists.
pub fn build_soon<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    on_main_thread(app, move || {
        if handle.tray_by_id(TRAY_ID).is_none() {
            if let Err(error) = build(&handle) {
                tracing::warn!(%error, "cannot build the tray icon");
            }
        }
    });
}

/// The "Pause alerts" check item, kept to show the stored state.
struct PauseItem<R: Runtime>(CheckMenuItem<R>);

/// Shows whether every alert is paused in the tray menu.
pub fn show_alerts_paused<R: Runtime>(app: &AppHandle<R>, paused: bool) {
    if let Some(shows) = app.try_state::<TrayShows>() {
        shows.alerts_paused.store(paused, Ordering::Relaxed);
    }
    let handle = app.clone();
    on_main_thread(app, move || {
        if let Some(item) = handle.try_state::<PauseItem<R>>() {
            if let Err(error) = item.0.set_checked(paused) {
                tracing::debug!(%error, "cannot update the tray's pause item");
            }
        }
    });
}

/// Runs a tray change on the main thread without waiting for it: tray calls made elsewhere
/// block their thread until the main thread answers, which must never hold up the sync loop
/// (or its stop while the app quits).
fn on_main_thread<R: Runtime>(app: &AppHandle<R>, change: impl FnOnce() + Send + 'static) {
    if let Err(error) = app.run_on_main_thread(change) {
        tracing::debug!(%error, "cannot reach the main thread for a tray change");
    }
}

/// The tooltip shows the portfolio total and when it was last synced.
pub fn show_total<R: Runtime>(app: &AppHandle<R>, report: &CycleReport) {
    set_tooltip(app, total_tooltip(report, NumberStyle::system()));
}

/// "Crypto Balance: 35,000.00 USD (synced 14:05 UTC)", in the one number format.
fn total_tooltip(report: &CycleReport, style: &NumberStyle) -> String {
    format!(
        "{}: {} (synced {} UTC)",
        crypto_balance_core::PRODUCT_NAME,
        style.money(report.total, &report.currency),
        &iso8601(report.at.seconds())[11..16]
    )
}

/// While the vault is locked the tooltip names the app and nothing it holds.
pub fn show_locked<R: Runtime>(app: &AppHandle<R>) {
    set_tooltip(
        app,
        format!("{} (locked)", crypto_balance_core::PRODUCT_NAME),
    );
}

/// Remembers `tooltip` for an icon built later and shows it on the icon there is.
fn set_tooltip<R: Runtime>(app: &AppHandle<R>, tooltip: String) {
    if let Some(shows) = app.try_state::<TrayShows>() {
        if let Ok(mut shown) = shows.tooltip.lock() {
            *shown = Some(tooltip.clone());
        }
    }
    let handle = app.clone();
    on_main_thread(app, move || {
        if let Some(tray) = handle.tray_by_id(TRAY_ID) {
            if let Err(error) = tray.set_tooltip(Some(tooltip)) {
                tracing::debug!(%error, "cannot set the tray tooltip");
            }
        }
    });
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    match event.id().as_ref() {
        TOGGLE => window::toggle(app),
        PAUSE_ALERTS => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let Some(item) = app.try_state::<PauseItem<R>>() else {
                    return;
                };
                // The menu toggled the check mark already; store what it now shows.
                let paused = item.0.is_checked().unwrap_or(false);
                if let Err(error) = app.state::<Arc<App>>().set_alerts_paused(paused).await {
                    tracing::warn!(%error, "cannot pause or resume alerts");
                    show_alerts_paused(&app, !paused);
                }
            });
        }
        REFRESH => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                crate::sync::send(&app, SyncCommand::RefreshNow).await;
            });
        }
        QUIT => app.exit(0),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_balance_core::clock::UnixTime;
    use crypto_balance_core::currency::Currency;

    fn report(total: &str) -> CycleReport {
        CycleReport {
            at: UnixTime::from_seconds(1_700_000_000),
            calls: 1,
            updated: 1,
            missing: Vec::new(),
            total: total.parse().unwrap(),
            currency: Currency::usd(),
            alerts_fired: Vec::new(),
            next_interval: std::time::Duration::from_secs(60),
        }
    }

    /// The tray writes the total as every screen does (the shared cases in
    /// fixtures/number-format.json): grouped, to the cent, in the locale's separators.
    #[test]
    fn the_tooltip_writes_the_total_in_the_one_number_format() {
        let us = NumberStyle::for_locale("en-US");
        assert_eq!(
            total_tooltip(&report("35000"), &us),
            "Crypto Balance: 35,000.00 USD (synced 22:13 UTC)"
        );
        let de = NumberStyle::for_locale("de-DE");
        assert_eq!(
            total_tooltip(&report("33593.674999"), &de),
            "Crypto Balance: 33.593,67 USD (synced 22:13 UTC)"
        );
    }
}
