import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";
import { defineConfig } from "vitest/config";

// Tauri loads ui/dist in production and this dev server (tauri.conf.json devUrl) in development.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  // The logo is the app icon itself (../icons), so the dev server may read that folder.
  server: { port: 5173, strictPort: true, fs: { allow: [".", "../icons"] } },
  build: {
    // WebKitGTK, WKWebView and WebView2 are all recent engines.
    target: ["es2022", "safari16"],
    // No inline <style>/<script>: the CSP allows only 'self'.
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test-setup.ts"],
  },
});
