// Drawn: tell the Rust side, as Crypto Balance's UI does after its first screen.
requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("ready"));
