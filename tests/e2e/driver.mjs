// Starts tauri-driver, opens a WebDriver session on the built app, and cleans both up.
// tauri-driver (cargo install tauri-driver) proxies to WebKitWebDriver (Debian: webkit2gtk-driver).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, Capabilities, until } from "selenium-webdriver";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../..");
export const screenshotDir = path.join(repoRoot, "target", "e2e");

/** How long a test waits for the app to show something before it fails. */
export const TIMEOUT = 20_000;

/**
 * The moves every suite makes on the app's window: find an element (a screenshot is saved when it
 * never shows), click it once it stands still, type into it, open a screen, read its text as
 * laid out. `current` returns the driver, which a suite has only once its app is up.
 */
export function moves(current) {
  const find = (css) =>
    current()
      .wait(until.elementLocated(By.css(css)), TIMEOUT)
      .catch(async (error) => {
        await saveScreenshot(current(), "failed-find");
        throw error;
      });
  const click = async (css) => {
    const element = await find(css);
    await current().wait(() => standsStill(current(), element), TIMEOUT);
    await element.click();
  };
  const typeIn = async (css, text) => {
    const field = await find(css);
    await field.clear();
    await field.sendKeys(text);
  };
  const go = (screen) => click(`nav a[data-screen="${screen}"]`);
  const textOf = async (css) => renderedText(current(), await find(css));
  return { find, click, typeIn, go, textOf };
}

/**
 * Whether `element` is where it was two frames ago. WebDriver clicks at the point it measured,
 * so a click while the page still moves (a notice going away, a chart redrawn) can land beside
 * the element, and nothing happens.
 */
function standsStill(driver, element) {
  return driver.executeAsyncScript(
    "const [element, done] = arguments;" +
      "const at = () => JSON.stringify(element.getBoundingClientRect());" +
      "const before = at();" +
      "requestAnimationFrame(() => requestAnimationFrame(() => done(at() === before)));",
    element,
  );
}

/** Stops what a suite started, the app first, skipping what never started. */
export async function stopAll(...started) {
  for (const running of started) await running?.stop();
}

const SESSION_TIMEOUT_MS = 60_000;

/** A server holding a port the OS chose, so a stray tauri-driver elsewhere can never answer
 * for ours. */
function holdFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** `count` different free ports. All are held until all are chosen: asked one after another,
 * the OS may hand out a just-released port twice, and tauri-driver and WebKitWebDriver on one
 * port hang the suite (seen once in CI). */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i += 1) servers.push(await holdFreePort());
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  }
}

/** The built app binary: E2E_APP, set by scripts/test. */
export function appBinary() {
  const app = process.env.E2E_APP;
  if (!app)
    throw new Error(
      "set E2E_APP to the built crypto-balance-desktop binary (scripts/test does)",
    );
  return app;
}

async function waitForDriver(child, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`tauri-driver exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/status`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `tauri-driver did not answer on ${url} within ${timeoutMs} ms`,
  );
}

/** Starts tauri-driver and a session on the app; returns { driver, stop }. `env` is added to
 * the app's environment (tauri-driver passes its own on to the app). */
export async function startApp(env = {}) {
  const [port, nativePort] = await freePorts(2);
  const url = `http://127.0.0.1:${port}`;
  const tauriDriver = spawn(
    "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort)],
    {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, ...env },
    },
  );
  try {
    await waitForDriver(tauriDriver, url, 30_000);
    const capabilities = new Capabilities();
    capabilities.setBrowserName("wry");
    capabilities.set("tauri:options", { application: appBinary() });
    const session = new Builder()
      .withCapabilities(capabilities)
      .usingServer(url)
      .build();
    const driver = await withTimeout(
      session,
      SESSION_TIMEOUT_MS,
      "starting the app",
    );
    const stop = async () => {
      await driver.quit().catch(() => {});
      tauriDriver.kill();
      await endLeftoverApps();
    };
    return { driver, stop };
  } catch (error) {
    tauriDriver.kill();
    throw error;
  }
}

/**
 * Ends app processes that outlived their session. Closing the window only hides the app to the
 * tray (by design), so an app can survive WebDriver's goodbye; a survivor would keep the sync
 * lock and the test runner's output pipe open.
 */
async function endLeftoverApps() {
  const app = appBinary();
  const running = () => {
    try {
      execFileSync("pgrep", ["-f", app]);
      return true;
    } catch {
      return false;
    }
  };
  for (const signal of ["TERM", "TERM", "KILL"]) {
    if (!running()) return;
    try {
      execFileSync("pkill", [`-${signal}`, "-f", app]);
    } catch {
      // already gone
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took longer than ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function saveScreenshot(driver, name) {
  const file = path.join(screenshotDir, `${name}.png`);
  await mkdir(path.dirname(file), { recursive: true });
  // Let the webview paint the DOM the test just checked before capturing it.
  await driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1];" +
      "requestAnimationFrame(() => requestAnimationFrame(() => done()));",
  );
  await writeFile(file, await driver.takeScreenshot(), "base64");
  return file;
}

/**
 * The text an element shows, as laid out (`innerText`). WebKitWebDriver's own getText reads ""
 * for cells of the virtualized holdings table (absolutely positioned rows in a scroller), though
 * they are drawn; screenshots show them.
 */
export function renderedText(driver, element) {
  return driver.executeScript("return arguments[0].innerText.trim()", element);
}

/** A built binary named by an environment variable that scripts/test sets. */
export function builtBinary(variable) {
  const binary = process.env[variable];
  if (!binary) throw new Error(`set ${variable} (scripts/test does)`);
  return binary;
}

/**
 * A new data folder whose vault the CLI created against `fake`, and `cli(...args)` to seed it
 * further (holdings, alerts, `sync --once`) before the app starts on it.
 */
export function cliVault(fake, name, passphrase) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `${name}-e2e-`));
  const env = {
    ...process.env,
    CRYPTO_BALANCE_DATA_DIR: dataDir,
    CRYPTO_BALANCE_PASSPHRASE: passphrase,
    CRYPTO_BALANCE_COINGECKO_URL: fake.url,
  };
  const cli = (...args) => execFileSync(builtBinary("E2E_CLI"), args, { env });
  cli("init");
  return { dataDir, cli };
}

/**
 * Starts the app on a vault `cliVault` made and waits for the portfolio: the CLI's vault opens
 * from the keychain, and without one the passphrase unlocks it.
 */
export async function startOnCliVault(fake, dataDir, passphrase, env = {}) {
  const app = await startApp({
    CRYPTO_BALANCE_DATA_DIR: dataDir,
    CRYPTO_BALANCE_COINGECKO_URL: fake.url,
    CRYPTO_BALANCE_DEFILLAMA_URL: fake.llamaUrl,
    ...env,
  });
  const { driver } = app;
  const find = (css) => driver.wait(until.elementLocated(By.css(css)), TIMEOUT);
  const gate = await find('form[data-vault="unlock"], [data-total]');
  if ((await gate.getTagName()) === "form") {
    await (await find('form[data-vault="unlock"] input[type="password"]')).sendKeys(passphrase);
    await (await find('form[data-vault="unlock"] button[type="submit"]')).click();
  }
  await find("[data-total]");
  return app;
}

/** Starts coingecko-fake on a free port; returns { url, control(path, body), stop }. */
export async function startFake() {
  const child = spawn(builtBinary("E2E_FAKE"), ["--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await withTimeout(
    new Promise((resolve, reject) => {
      let text = "";
      child.stdout.on("data", (chunk) => {
        text += chunk;
        const line = text.split("\n")[0];
        if (text.includes("\n")) resolve(line.trim());
      });
      child.once("exit", (code) =>
        reject(new Error(`coingecko-fake exited with ${code}`)),
      );
    }),
    10_000,
    "starting coingecko-fake",
  );
  const origin = new URL(url).origin;
  const control = async (route, body) => {
    const response = await fetch(`${origin}/__fake/${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`fake ${route}: HTTP ${response.status}`);
  };
  const requests = async () =>
    (await fetch(`${origin}/__fake/requests`)).json();
  // The same server plays DefiLlama, the second source of old daily prices.
  const llamaUrl = `${origin}/llama`;
  return { url, llamaUrl, control, requests, stop: () => child.kill() };
}

/**
 * Starts chain-fake: an Esplora server, or with `args` ["evm", chainId] an EVM chain's RPC server.
 * Returns { url, pay(script, sats, height), set(body), stop }.
 */
export async function startChainFake(args = []) {
  const child = spawn(builtBinary("E2E_CHAIN_FAKE"), args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await withTimeout(
    new Promise((resolve, reject) => {
      let text = "";
      child.stdout.on("data", (chunk) => {
        text += chunk;
        if (text.includes("\n")) resolve(text.split("\n")[0].trim());
      });
      child.once("exit", (code) => reject(new Error(`chain-fake exited with ${code}`)));
    }),
    10_000,
    "starting chain-fake",
  );
  const pay = async (script, sats, height) => {
    const response = await fetch(`${url}/__fake/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ script, sats, height }),
    });
    if (!response.ok) throw new Error(`chain-fake pay: HTTP ${response.status}`);
  };
  const set = async (body) => {
    const response = await fetch(`${url}/__fake/set`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`chain-fake set: HTTP ${response.status}`);
  };
  return { url, pay, set, stop: () => child.kill() };
}

/** Everything the app has logged into `logDir` so far, all its daily files together. */
export function readLogs(logDir) {
  if (!existsSync(logDir)) return "";
  return readdirSync(logDir)
    .map((name) => readFileSync(path.join(logDir, name), "utf8"))
    .join("");
}
