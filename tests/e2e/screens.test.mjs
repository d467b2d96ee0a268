// Every screen at the window's default size and at its minimum, in both themes: the main table
// fits without horizontal scrolling (measured in the page), and a screenshot of each lands in
// target/e2e/screens/ (the README's come from here). The vault is seeded with the CLI; the app
// then adds a coin the fresh vault has never seen, by its symbol.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as e2e from "./driver.mjs";

const { cliVault, renderedText, saveScreenshot, startFake, startOnCliVault } = e2e;
const { moves, stopAll, TIMEOUT } = e2e;

const PASSPHRASE = "a screens recovery passphrase";
// tauri.conf.json: the window's default and minimum sizes.
const SIZES = {
  default: { width: 1180, height: 760 },
  minimum: { width: 760, height: 520 },
};
const SCREENS = ["portfolio", "holdings", "gains", "alerts", "transfer", "settings"];

/** Every element in the page wider than the box it scrolls in, named so a failure says where. */
const OVERFLOWING = `
  const wide = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) wide.push("page " + root.scrollWidth + ">" + root.clientWidth);
  for (const el of document.querySelectorAll("main, main *")) {
    const style = getComputedStyle(el);
    if (!/(auto|scroll)/.test(style.overflowX) && el.tagName !== "MAIN") continue;
    if (el.scrollWidth > el.clientWidth + 1)
      wide.push((el.getAttribute("aria-label") || el.className || el.tagName) +
        " " + el.scrollWidth + ">" + el.clientWidth);
  }
  return wide;`;

describe("screens that fit", () => {
  let app;
  let fake;
  let driver;

  const { find, click, typeIn, go } = moves(() => driver);

  before(async () => {
    fake = await startFake();
    const { dataDir, cli } = cliVault(fake, "screens", PASSPHRASE);
    // Bought over the past year, so the net-worth chart has a history and money put in.
    const holdings = [
      ["btc", "1.2345", "Ledger Nano X (cold storage)", "42000", 300],
      ["eth", "12.75", "MetaMask", "2400", 260],
      ["btc", "0.5", "Kraken", "58000", 200],
      ["sol", "340", "Phantom", "95", 150],
      ["ada", "15000", "Kraken", "0.35", 100],
      ["dot", "420.5", "Kraken", "5.1", 40],
    ];
    const daysAgo = (days) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
    for (const [coin, amount, account, price, days] of holdings) {
      cli(
        ...["holdings", "add", "--coin", coin, "--amount", amount, "--account", account],
        ...["--price", price, "--currency", "usd", "--date", daysAgo(days)],
      );
    }
    cli("alerts", "add", "--coin", "btc", "--above", "100000", "--note", "take some profit");
    cli("alerts", "add", "--coin", "sol", "--below", "120");
    cli("sync", "--once");
    await fake.control("price", {
      id: "bitcoin",
      currency: "usd",
      price: "69420.5",
    });
    cli("sync", "--once");
    cli("backfill");
    app = await startOnCliVault(fake, dataDir, PASSPHRASE);
    driver = app.driver;
  });

  after(() => stopAll(app, fake));

  it("adds a coin its fresh vault has never seen, by symbol", async () => {
    // PEPE is not among the coins a new vault knows: the search asks CoinGecko.
    await go("holdings");
    await click("[data-add-holding]");
    await typeIn("[data-holding-form] [data-coin-search]", "pepe");
    await click('[data-holding-form] [data-coin-option="pepe"]');
    await typeIn('[data-holding-form] [data-field="amount"]', "25000000");
    await typeIn('[data-holding-form] [data-field="account"]', "Kraken");
    await click("[data-holding-form] [data-save]");
    const pepe = await find('[data-asset="pepe"]');
    assert.match(await renderedText(driver, pepe), /Pepe\s+PEPE/);
    // It is priced at once, not at the next refresh minutes away.
    await driver.wait(
      async () =>
        /\d/.test(await renderedText(driver, await find('[data-asset="pepe"] [data-value]'))),
      TIMEOUT,
    );
    await click('[data-undo-toast] button[aria-label="Dismiss"]'); // out of the screenshots
  });

  it("shows names, not ids, in the alerts", async () => {
    await go("alerts");
    const rule = await find("[data-alerts] tbody tr");
    assert.match(await renderedText(driver, rule), /Bitcoin \(BTC\) at or above 100,000\.00 USD/);
  });

  for (const [size, { width, height }] of Object.entries(SIZES)) {
    for (const theme of ["light", "dark"]) {
      it(`fits every screen at the ${size} size in the ${theme} theme`, async () => {
        await driver.manage().window().setRect({ width, height });
        await go("settings");
        await click(`[data-theme-choice="${theme}"]`);
        const inner = await driver.executeScript("return [innerWidth, innerHeight]");
        assert.ok(inner[0] <= width, `the window is ${inner[0]} wide, asked ${width}`);
        const problems = [];
        for (const screen of SCREENS) {
          await go(screen);
          await find("main h1");
          await driver.sleep(400); // charts measure their width after the first paint
          await saveScreenshot(driver, `screens/${screen}-${size}-${theme}`);
          const wide = await driver.executeScript(OVERFLOWING);
          if (wide.length) problems.push(`${screen}: ${wide.join(", ")}`);
        }
        assert.deepEqual(problems, [], `at ${inner.join("x")}`);
      });
    }
  }
});
