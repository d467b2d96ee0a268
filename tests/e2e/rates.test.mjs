// Rates end to end: a vault seeded with the CLI, the real app against coingecko-fake. The app
// first shows the last known prices with a visible warning while CoinGecko rate-limits it, then
// the exact new total once the sync loop's retry succeeds.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { By, until } from "selenium-webdriver";
import * as e2e from "./driver.mjs";

const { TIMEOUT } = e2e;

const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("live rates", () => {
  let app;
  let fake;
  let monitor;
  let busLog = "";

  before(async () => {
    fake = await e2e.startFake();
    await fake.control("price", {
      id: "pepe",
      currency: "usd",
      price: "8.69e-05",
    });
    const { dataDir, cli } = e2e.cliVault(fake, "rates", "an e2e recovery passphrase");
    cli(
      "holdings",
      "add",
      "--coin",
      "btc",
      "--amount",
      "0.5",
      "--account",
      "Ledger",
    );
    cli("holdings", "add", "--coin", "pepe", "--amount", "0.1");
    cli(
      "holdings",
      "add",
      "--coin",
      "pepe",
      "--amount",
      "0.2",
      "--account",
      "Kraken",
    );
    cli(
      "alerts",
      "add",
      "--coin",
      "btc",
      "--above",
      "68000",
      "--note",
      "take profit",
    );
    cli("sync", "--once"); // prices stored, the alert armed below its line
    // What reaches the notification service: the Notify calls on the session bus.
    monitor = spawn(
      "dbus-monitor",
      ["interface=org.freedesktop.Notifications"],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    monitor.stdout.on("data", (chunk) => (busLog += chunk));
    // CoinGecko moves, then throttles the app's first refresh for 8 seconds.
    await fake.control("price", {
      id: "bitcoin",
      currency: "usd",
      price: "70000",
    });
    await fake.control("failure", {
      kind: "rate_limited",
      retry_after: 8,
      times: 1,
      path: "/simple/price",
    });
    app = await e2e.startApp({
      CRYPTO_BALANCE_DATA_DIR: dataDir,
      CRYPTO_BALANCE_COINGECKO_URL: fake.url,
    });
  });

  after(async () => {
    await app?.stop();
    fake?.stop();
    monitor?.kill();
  });

  it("shows the last known total at once and says why it is not fresh", async () => {
    const { driver } = app;
    const warning = await driver.wait(
      until.elementLocated(By.css('[data-sync-problem="rate_limited"]')),
      TIMEOUT,
    );
    assert.match(
      await warning.getText(),
      /rate limit.*Showing the last known prices/s,
    );
    const total = await driver.findElement(By.css("[data-total]"));
    assert.equal(await total.getText(), "33,593.67 USD");
    await e2e.saveScreenshot(driver, "portfolio-rate-limited");
  });

  it("shows the exact new total once the retry after Retry-After succeeds", async () => {
    const { driver } = app;
    let shown = "";
    await driver
      .wait(async () => {
        shown = await driver.findElement(By.css("[data-total]")).getText();
        return shown === "35,000.00 USD";
      }, TIMEOUT)
      .catch(async (error) => {
        await e2e.saveScreenshot(driver, "portfolio-not-updated");
        throw new Error(`the total still reads "${shown}": ${error.message}`);
      });
    await driver.wait(async () => {
      const warnings = await driver.findElements(By.css("[data-sync-problem]"));
      return warnings.length === 0;
    }, TIMEOUT);
    await e2e.saveScreenshot(driver, "portfolio-live");
    const calls = (await fake.requests()).filter(
      (r) => r.path === "/simple/price",
    );
    assert.deepEqual(
      calls.map((r) => r.status),
      [200, 429, 200],
      "the CLI's sync, the throttled refresh, and the retry",
    );
  });

  it("lists every holding's exact price and value", async () => {
    const { driver } = app;
    await driver.findElement(By.css('nav a[data-screen="holdings"]')).click();
    const value = async (css) =>
      e2e.renderedText(
        driver,
        await driver.findElement(By.css(`${css} [data-value]`)),
      );
    const pepe = await driver.wait(
      until.elementLocated(By.css('[data-asset="pepe"]')),
      TIMEOUT,
    );
    assert.equal(await value('[data-asset="pepe"]'), "0.00002607");
    await pepe.findElement(By.css("button[aria-expanded]")).click();
    await driver.wait(
      until.elementLocated(By.css('[data-holding="pepe/Kraken"]')),
      TIMEOUT,
    );
    assert.equal(await value('[data-holding="pepe/Kraken"]'), "0.00001738");
    assert.equal(await value('[data-holding="pepe/Manual"]'), "0.00000869");
    assert.equal(await value('[data-asset="bitcoin"]'), "35,000.00");
    await e2e.saveScreenshot(driver, "holdings-valued");
  });

  it("fires the crossed alert once as a system notification and lists it", async () => {
    const { driver } = app;
    await driver.findElement(By.css('nav a[data-screen="alerts"]')).click();
    const fired = await driver.wait(
      until.elementLocated(By.css("[data-alert-history] li")),
      TIMEOUT,
    );
    // The history, the notification and the rule name the coin and write every figure in the
    // one number format, the same as the screens above.
    const line = "Bitcoin (BTC) is at or above 68,000.00 USD: 70,000.00 USD";
    assert.match(await fired.getText(), new RegExp(escaped(line)));
    assert.match(
      await e2e.renderedText(
        driver,
        await driver.findElement(By.css("[data-alerts] tbody tr")),
      ),
      /Bitcoin \(BTC\) at or above 68,000\.00 USD/,
    );
    await driver.wait(
      async () => busLog.includes("Crypto Balance alert"),
      TIMEOUT,
    );
    const notifications = busLog.split("Crypto Balance alert").length - 1;
    assert.equal(notifications, 1, busLog);
    assert.match(busLog, /take profit/);
    assert.ok(busLog.includes(line), busLog);
    await e2e.saveScreenshot(driver, "alerts-fired");
  });
});
