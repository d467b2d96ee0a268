// Drawn and on screen: tell the Rust side, as Crypto Balance's UI does after its first screen.
// The second frame callback runs once the first frame (the heading) has been produced.
requestAnimationFrame(() =>
  requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("ready")),
);
