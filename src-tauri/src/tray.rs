//! The tray icon: Show/Hide and Quit. It keeps the app reachable while the window is hidden.

use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Runtime};

use crate::window;

const TOGGLE: &str = "toggle";
const QUIT: &str = "quit";

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let toggle = MenuItem::with_id(app, TOGGLE, "Show/Hide", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, "Quit Crypto Balance", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&toggle, &separator, &quit])?;

    let mut tray = TrayIconBuilder::with_id("main")
        .tooltip(crypto_balance_core::PRODUCT_NAME)
        .menu(&menu)
        .on_menu_event(on_menu_event);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    tracing::info!("tray icon built");
    Ok(())
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    match event.id().as_ref() {
        TOGGLE => window::toggle(app),
        QUIT => app.exit(0),
        _ => {}
    }
}
