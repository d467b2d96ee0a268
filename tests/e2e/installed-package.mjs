// The app as a user installs it: the installed binaries, the platform's own folders (no
// CRYPTO_BALANCE_DATA_DIR), one instance, the CLI beside the app, the window remembered, and a
// clean quit on SIGTERM. Not a *.test.mjs, so the development suite skips it: only
// scripts/test-package runs it, after installing the .deb.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { By, until } from "selenium-webdriver";
import * as e2e from "./driver.mjs";

const { stopAll, TIMEOUT } = e2e;

const PASSPHRASE = "an installed app passphrase";
const FOLDER = "com.cryptobalance.desktop"; // release builds: no ".dev"
const home = os.homedir();
const dataDir = path.join(home, ".local", "share", FOLDER);
const configDir = path.join(home, ".config", FOLDER);
const logDir = path.join(home, ".local", "state", FOLDER, "logs");

const logs = () => e2e.readLogs(logDir);

/** "41292.6504468" → "41,292.65": the exact total as the portfolio shows it (2 places, half up). */
function asShown(total) {
  const [whole, fraction = ""] = total.split(".");
  const cents =
    BigInt(whole + fraction.padEnd(2, "0").slice(0, 2)) +
    (Number(fraction[2] ?? 0) >= 5 ? 1n : 0n);
  const digits = cents.toString().padStart(3, "0");
  const grouped = BigInt(digits.slice(0, -2)).toLocaleString("en-US");
  return `${grouped}.${digits.slice(-2)} USD`;
}

async function waitFor(condition, what, timeoutMs = TIMEOUT) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The running app's process ids (its WebKit helpers have other names). */
function appPids() {
  try {
    return execFileSync("pgrep", ["-f", `^${e2e.appBinary()}`], {
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .map(Number);
  } catch {
    return [];
  }
}

/** Whether the main window is on screen: xwininfo's map state, or "absent" before it exists. */
function windowMapState() {
  try {
    const info = execFileSync("xwininfo", ["-name", "Crypto Balance"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return /Map State: (\w+)/.exec(info)?.[1] ?? "unknown";
  } catch {
    return "absent";
  }
}

const exitCodeOf = (child) =>
  new Promise((resolve) => child.once("exit", (code) => resolve(code)));

describe("the installed app", () => {
  let fake;
  let app;
  let env;
  let expectedTotal;
  const cli = (...args) =>
    execFileSync(e2e.builtBinary("E2E_CLI"), args, { env, encoding: "utf8" });

  before(async () => {
    assert.equal(process.env.CRYPTO_BALANCE_DATA_DIR, undefined);
    fake = await e2e.startFake();
    env = {
      ...process.env,
      CRYPTO_BALANCE_PASSPHRASE: PASSPHRASE,
      CRYPTO_BALANCE_COINGECKO_URL: fake.url,
    };
    cli("init");
    cli("holdings", "add", "--coin", "btc", "--amount", "0.5");
    cli("holdings", "add", "--coin", "eth", "--amount", "2.25");
    cli("sync", "--once");
    expectedTotal = JSON.parse(cli("value", "--json")).total;
  });

  after(() => stopAll(app, fake));

  it("starts and shows the portfolio the CLI values", async () => {
    app = await e2e.startApp({ CRYPTO_BALANCE_COINGECKO_URL: fake.url });
    const { driver } = app;
    let shown = "";
    await driver
      .wait(async () => {
        const found = await driver.findElements(By.css("[data-total]"));
        shown = found.length ? await e2e.renderedText(driver, found[0]) : "";
        return shown === asShown(expectedTotal);
      }, TIMEOUT)
      .catch((error) => {
        throw new Error(
          `the total reads "${shown}", not ${asShown(expectedTotal)}: ${error.message}`,
        );
      });
    await e2e.saveScreenshot(driver, "installed-portfolio");
  });

  it("keeps its data, settings and logs in the platform's folders", async () => {
    for (const file of ["crypto-balance.db", "crypto-balance.key"])
      assert.ok(existsSync(path.join(dataDir, file)), `${file} in ${dataDir}`);
    assert.ok(
      !existsSync(path.join(home, ".local", "share", `${FOLDER}.dev`)),
      "an installed build never uses the development folder",
    );
    await waitFor(
      () => logs().includes("first screen rendered"),
      `the start-up line in ${logDir}`,
    );
    assert.match(
      readdirSync(logDir)[0],
      /^crypto-balance\.\d{4}-\d\d-\d\d\.log$/,
    );
  });

  it("lets the CLI work beside it on the same data", () => {
    const holdings = JSON.parse(cli("holdings", "list", "--json"));
    assert.deepEqual(holdings.map((h) => h.coin).sort(), [
      "bitcoin",
      "ethereum",
    ]);
  });

  it("answers a second launch by showing its window, and the second one exits", async () => {
    const before = appPids();
    assert.equal(before.length, 1, "one app running");
    const second = spawn(e2e.appBinary(), [], { env, stdio: "ignore" });
    assert.equal(await exitCodeOf(second), 0);
    await waitFor(
      () => logs().includes("another launch asked for the window"),
      "the running app to hear of the second launch",
    );
    assert.deepEqual(appPids(), before, "the first instance still runs");
  });

  it("quits cleanly on SIGTERM and comes back where the window was", async () => {
    const wanted = { x: 80, y: 60, width: 940, height: 660 };
    await app.driver.manage().window().setRect(wanted);
    const [pid] = appPids();
    process.kill(pid, "SIGTERM");
    await waitFor(() => appPids().length === 0, "the app to quit");
    assert.match(logs(), /quitting signal="SIGTERM"[\s\S]*shut down cleanly/);
    assert.ok(existsSync(path.join(configDir, "window-state.json")));
    await app.stop();

    app = await e2e.startApp({ CRYPTO_BALANCE_COINGECKO_URL: fake.url });
    await app.driver.wait(
      until.elementLocated(By.css("[data-total]")),
      TIMEOUT,
    );
    const rect = await app.driver.manage().window().getRect();
    assert.deepEqual(rect, wanted);
  });

  it("starts in the tray when launched at login, until launched again", async () => {
    await app.stop();
    app = undefined;
    const traysBuilt = () => logs().split("tray icon built").length - 1;
    const before = traysBuilt();
    const atLogin = spawn(e2e.appBinary(), ["--autostart"], {
      env,
      stdio: "ignore",
    });
    try {
      await waitFor(() => traysBuilt() > before, "the tray icon");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.notEqual(windowMapState(), "IsViewable", "no window at login");
      const second = spawn(e2e.appBinary(), [], { env, stdio: "ignore" });
      assert.equal(await exitCodeOf(second), 0);
      await waitFor(() => windowMapState() === "IsViewable", "the window");
    } finally {
      atLogin.kill("SIGTERM");
      await waitFor(() => appPids().length === 0, "the app to quit");
    }
  });

  it("never writes the passphrase or amounts to its logs", () => {
    const text = logs();
    assert.ok(text.length > 0);
    for (const secret of [PASSPHRASE, "2.25", expectedTotal]) {
      assert.ok(!text.includes(secret), `the logs contain "${secret}"`);
    }
  });
});
