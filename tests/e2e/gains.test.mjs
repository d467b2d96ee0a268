// Gains from a year of trades: a file imported with the CLI, opened in the app, net worth per day
// from the first trade, realized P/L by FIFO worked by hand, then by HIFO once the method is
// changed on the Gains screen.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { By } from "selenium-webdriver";
import * as e2e from "./driver.mjs";

const { cliVault, renderedText, saveScreenshot, startFake, startOnCliVault } = e2e;
const { moves, stopAll, TIMEOUT } = e2e;

const PASSPHRASE = "a gains recovery passphrase";
// FIFO: June's 0.8 BTC come from January's lot (cost 32,000, proceeds 56,000: +24,000);
// September's 4 ETH cost 8,000 and bring 10,000 (+2,000); November's 0.2 BTC are the rest of
// January's lot (cost 8,000, proceeds 18,000: +10,000). Realized: +36,000.
// HIFO: June takes March's 0.5 at 60,000 (30,000) and 0.3 of January's (12,000): +14,000;
// ETH +2,000; November +10,000. Realized: +26,000.
const TRADES = `time,account,coin,amount,kind,price,price_currency,note,id
2024-11-20T10:00:00Z,Kraken,bitcoin,-0.2,sell,90000,usd,,t6
2024-09-01T10:00:00Z,Kraken,ethereum,-4,sell,2500,usd,,t5
2024-06-01T10:00:00Z,Kraken,bitcoin,-0.8,sell,70000,usd,,t4
2024-03-15T10:00:00Z,Kraken,bitcoin,0.5,buy,60000,usd,,t3
2024-02-01T10:00:00Z,Kraken,ethereum,10,buy,2000,usd,,t2
2024-01-10T10:00:00Z,Kraken,bitcoin,1,buy,40000,usd,,t1
`;

describe("gains from a year of trades", () => {
  let app;
  let fake;
  let driver;

  const { find, click } = moves(() => driver);
  const waitForText = (css, text) =>
    driver.wait(async () => {
      const shown = await renderedText(driver, await find(css));
      return shown.includes(text);
    }, TIMEOUT);

  before(async () => {
    fake = await startFake();
    const { dataDir, cli } = cliVault(fake, "gains", PASSPHRASE);
    const file = path.join(dataDir, "..", `gains-trades-${process.pid}.csv`);
    writeFileSync(file, TRADES);
    cli("import", file);
    app = await startOnCliVault(fake, dataDir, PASSPHRASE);
    driver = app.driver;
  });

  after(() => stopAll(app, fake));

  it("shows realized P/L on the portfolio with its method", async () => {
    await waitForText("[data-realized] .figure", "+36,000.00 USD");
    await waitForText("[data-realized]", "FIFO, lots per account");
  });

  it("charts net worth per day from the first entry, past prices from both sources", async () => {
    // The first cycle prices the coins, then its backfill step fetches their past (two coins:
    // within the public plan's step) and the chart redraws. The page moves as it does, so the
    // button below is clicked only after: a click mid-move can land beside it.
    await find('[data-sync-state="idle"]');
    // 2024 is older than the public plan's year: DefiLlama (the fake's) filled those days.
    await driver.wait(async () => {
      const note = await renderedText(driver, await find("[data-history-note]"));
      return note.includes("From 2024-01-10") && !note.includes("no stored price");
    }, TIMEOUT);
    assert.equal((await driver.findElements(By.css("[data-history] [data-gap]"))).length, 0);
    // Asking again costs nothing once every day is stored.
    await click("[data-backfill]");
    await waitForText("[data-backfill-done]", "Every day already has its price: nothing to fetch.");
    await find("[data-history] [data-secondary]");
    // One coin from its own first entry: ether was bought on February 1st.
    const part = await find("[data-history-part]");
    await part.findElement(By.css('option[value="coin:ethereum"]')).click();
    await driver.wait(async () => {
      const label = await (await find("[data-history] svg")).getAttribute("aria-label");
      return label.startsWith("Net worth per day since 2024-02-01");
    }, TIMEOUT);
    await saveScreenshot(driver, "portfolio-history");
  });

  it("lists 2024's disposals and the realized figure by FIFO", async () => {
    await click('nav a[data-screen="gains"]');
    await waitForText("[data-realized] .figure", "+36,000.00 USD");
    const year = await find("[data-year]");
    await year.findElement(By.css('option[value="2024"]')).click();
    await waitForText("[data-realized] .label", "2024");
    await waitForText("[data-report-totals]", "+36,000.00 USD");
    const rows = await driver.findElements(By.css("[data-gains] tbody tr"));
    assert.equal(rows.length, 3, "June's and November's sales each use January's lot; ETH one");
    await saveScreenshot(driver, "gains-fifo");
  });

  it("gives HIFO's figure once the method is changed, and keeps it", async () => {
    const method = await find("[data-method]");
    await method.findElement(By.css('option[value="hifo"]')).click();
    await waitForText("[data-realized] .figure", "+26,000.00 USD");
    await waitForText("[data-method-note]", "HIFO, lots per account");
    await click('nav a[data-screen="portfolio"]');
    await waitForText("[data-realized] .figure", "+26,000.00 USD");
  });
});
