// The local API served from the desktop app: turned on in Settings on a chosen port, a read-only
// token made there and shown once, then another program reads the holdings with it; revoked in
// Settings, the token is refused at once. Then alerts beyond the desktop: a webhook set up on the
// Alerts screen receives a test message whose signature a receiver checks as the README says.
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { By, until } from "selenium-webdriver";
import * as e2e from "./driver.mjs";

const { cliVault, renderedText, saveScreenshot, startFake, startOnCliVault } = e2e;
const { moves, stopAll, TIMEOUT } = e2e;

const PASSPHRASE = "an api recovery passphrase";
// A port of its own per run, away from the default a real app may be using.
const PORT = 20_000 + (process.pid % 20_000);

describe("the local API from the desktop", () => {
  let app;
  let fake;
  let driver;

  const { find, click } = moves(() => driver);
  const button = (text) =>
    driver.wait(until.elementLocated(By.xpath(`//button[normalize-space()="${text}"]`)), TIMEOUT);
  const holdings = (token) =>
    fetch(`http://127.0.0.1:${PORT}/api/v1/holdings`, {
      headers: { Authorization: `Bearer ${token}` },
    });

  before(async () => {
    fake = await startFake();
    const { dataDir, cli } = cliVault(fake, "api", PASSPHRASE);
    cli("holdings", "add", "--coin", "btc", "--amount", "0.5", "--account", "Ledger");
    app = await startOnCliVault(fake, dataDir, PASSPHRASE);
    driver = app.driver;
  });

  after(() => stopAll(app, fake));

  it("serves the holdings to a token made in Settings, until it is revoked", async () => {
    await click('nav a[data-screen="settings"]');
    const port = await find('input[aria-label="Port"]');
    await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", port);
    await port.clear();
    await port.sendKeys(String(PORT));
    await click("[data-api-server]");
    const listening = await find("[data-api-url]");
    await driver.wait(
      async () => (await renderedText(driver, listening)).includes(`127.0.0.1:${PORT}`),
      TIMEOUT,
    );

    await (await find("[data-token-name]")).sendKeys("Home Assistant");
    await (await button("Create token")).click();
    const secret = await renderedText(driver, await find("[data-new-token] code"));
    assert.match(secret, /^cb_[0-9a-f]{64}$/);
    await saveScreenshot(driver, "settings-api");

    const answer = await holdings(secret);
    assert.equal(answer.status, 200);
    const held = await answer.json();
    assert.equal(held[0].coin, "bitcoin");
    assert.equal(held[0].account, "Ledger");
    const written = await fetch(`http://127.0.0.1:${PORT}/api/v1/refresh`, {
      method: "POST",
      headers: { Authorization: `Bearer ${secret}` },
    });
    assert.equal(written.status, 403, "the token was made read-only");

    await (await button("Done")).click();
    await (await button("Revoke…")).click();
    await (await button("Revoke now")).click();
    await driver.wait(async () => (await holdings(secret)).status === 401, TIMEOUT);
  });

  it("sends a signed test message to a webhook set up on the Alerts screen", async () => {
    const received = [];
    let secret = "";
    const receiver = createServer((request, response) => {
      const chunks = [];
      request.on("data", (chunk) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks);
        const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
        const given = String(request.headers["x-crypto-balance-signature"] ?? "");
        const valid =
          given.length === expected.length &&
          timingSafeEqual(Buffer.from(given), Buffer.from(expected));
        received.push({ valid, body: JSON.parse(body.toString()) });
        response.writeHead(valid ? 204 : 401).end();
      });
    });
    await new Promise((done) => receiver.listen(0, "127.0.0.1", done));
    try {
      await click('nav a[data-screen="alerts"]');
      const webhook = await find('[data-alert-channels] [data-field="webhook"]');
      await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", webhook);
      await webhook.sendKeys(`http://127.0.0.1:${receiver.address().port}/hook`);
      await (await button("Save")).click();
      secret = await renderedText(driver, await find("[data-webhook-secret] code.secret"));
      assert.match(secret, /^[0-9a-f]{64}$/);
      await click("[data-test-alert]");
      await driver.wait(async () => received.length === 1, TIMEOUT);
      assert.equal(received[0].valid, true, "the signature checks out");
      assert.equal(received[0].body.event, "test");
      await find("[data-deliveries] tbody tr");
      await saveScreenshot(driver, "alerts-channels");

      // Who saw what: the webhook's request is in the privacy log, with what it was sent.
      await click('nav a[data-screen="settings"]');
      const log = await find("[data-privacy-log]");
      await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", log);
      await driver.wait(async () => (await renderedText(driver, log)).includes("/hook"), TIMEOUT);
      assert.match(await renderedText(driver, log), /Webhook/);
      await saveScreenshot(driver, "settings-privacy-log");
    } finally {
      receiver.close();
    }
  });
});
