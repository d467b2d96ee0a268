//! An empty Tauri app: one window, one page, and a `ready` command the page calls once drawn.
#![allow(clippy::print_stdout)]

use std::time::Instant;

#[tauri::command]
fn ready(started: tauri::State<'_, Started>) {
    println!(
        "first screen rendered elapsed_ms={}",
        started.0.elapsed().as_millis()
    );
}

struct Started(Instant);

fn main() {
    let started = Started(Instant::now());
    let result = tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("empty app failed: {error}");
    }
}
