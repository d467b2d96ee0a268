// The walking skeleton end to end: the real app opens, every screen is reachable from the
// navigation, and Settings shows values that only the Rust backend can know.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { By, until } from "selenium-webdriver";
import { repoRoot, saveScreenshot, startApp } from "./driver.mjs";

const TIMEOUT = 15_000;
const screens = [
  ["portfolio", "Portfolio"],
  ["holdings", "Holdings"],
  ["alerts", "Alerts"],
  ["transfer", "Import/Export"],
  ["settings", "Settings"],
];

async function workspaceVersion() {
  const manifest = await readFile(path.join(repoRoot, "Cargo.toml"), "utf8");
  const match = manifest.match(
    /\[workspace\.package\][^[]*?\nversion\s*=\s*"([^"]+)"/,
  );
  assert.ok(match, "Cargo.toml has a [workspace.package] version");
  return match[1];
}

const PASSPHRASE = "an e2e recovery passphrase";

async function typeInto(driver, name, text) {
  const field = await driver.findElement(By.css(`input[name="${name}"]`));
  await field.clear();
  await field.sendKeys(text);
}

describe("the desktop app", () => {
  let app;

  before(async () => {
    app = await startApp();
  });

  after(async () => {
    await app?.stop();
  });

  it("asks for a recovery passphrase on first start and creates the vault", async () => {
    const { driver } = app;
    await driver.wait(
      until.elementLocated(By.css('form[data-vault="create"]')),
      TIMEOUT,
    );
    assert.equal(await driver.getTitle(), "Crypto Balance");
    await saveScreenshot(driver, "first-start");
    await typeInto(driver, "passphrase", PASSPHRASE);
    await typeInto(driver, "confirmation", PASSPHRASE);
    await driver
      .findElement(By.css('form[data-vault="create"] button[type="submit"]'))
      .click();
    // First steps: the base currency, then where to start ("Later": the portfolio).
    await driver.wait(
      until.elementLocated(By.css("[data-first-steps]")),
      TIMEOUT,
    );
    await saveScreenshot(driver, "first-steps");
    await driver.findElement(By.css("[data-first-later]")).click();
    await driver.wait(
      until.elementLocated(By.css("nav a[data-screen]")),
      TIMEOUT,
    );
    assert.equal(
      (await driver.findElements(By.css("[data-keychain-notice]"))).length,
      0,
      "the key went into the system keychain",
    );
    const dataDir = process.env.CRYPTO_BALANCE_DATA_DIR;
    assert.ok(
      existsSync(path.join(dataDir, "crypto-balance.key")),
      "the key file was written",
    );
    assert.ok(
      existsSync(path.join(dataDir, "crypto-balance.db")),
      "the database was created",
    );
  });

  it("opens on the portfolio with the app's title", async () => {
    const { driver } = app;
    const heading = await driver.wait(
      until.elementLocated(By.css("main h1")),
      TIMEOUT,
    );
    assert.equal(await heading.getText(), "Portfolio");
    assert.equal(await driver.getTitle(), "Crypto Balance");
  });

  it("writes with the fonts fontconfig finds at once on Linux", async () => {
    const { driver } = app;
    const [platform, font] = await driver.executeScript(
      "return [document.documentElement.dataset.platform, getComputedStyle(document.body).fontFamily]",
    );
    assert.equal(platform, "linux");
    assert.equal(font, "sans-serif");
  });

  it("reaches every screen from the navigation", async () => {
    const { driver } = app;
    for (const [id, label] of screens) {
      await driver.findElement(By.css(`nav a[data-screen="${id}"]`)).click();
      // A screen's code loads on first use: wait for its heading rather than race it.
      const heading = await driver.wait(
        until.elementLocated(By.css("main h1")),
        TIMEOUT,
      );
      await driver.wait(until.elementTextIs(heading, label), TIMEOUT);
      const link = await driver.findElement(
        By.css(`nav a[data-screen="${id}"]`),
      );
      assert.equal(
        await link.getAttribute("aria-current"),
        "page",
        `${label} is marked current`,
      );
      await saveScreenshot(driver, id);
    }
  });

  it("shows the version and data folder the Rust backend reports", async () => {
    const { driver } = app;
    await driver.findElement(By.css('nav a[data-screen="settings"]')).click();
    const version = await driver.wait(
      until.elementLocated(By.css('[data-field="version"]')),
      TIMEOUT,
    );
    assert.equal(await version.getText(), await workspaceVersion());
    // The data folder comes from CRYPTO_BALANCE_DATA_DIR, which only the backend process sees.
    const expected = process.env.CRYPTO_BALANCE_DATA_DIR;
    assert.ok(expected, "scripts/test sets CRYPTO_BALANCE_DATA_DIR");
    const dataDir = await driver.findElement(By.css('[data-field="data-dir"]'));
    assert.equal(await dataDir.getText(), expected);
    await saveScreenshot(driver, "settings");
  });
});

describe("a later start", () => {
  let app;

  before(async () => {
    app = await startApp();
  });

  after(async () => {
    await app?.stop();
  });

  it("unlocks silently from the system keychain", async () => {
    const { driver } = app;
    await driver.wait(
      until.elementLocated(By.css("nav a[data-screen]")),
      TIMEOUT,
    );
    assert.equal(
      (await driver.findElements(By.css("form[data-vault]"))).length,
      0,
    );
  });
});

describe("a start after the keychain entry was lost", () => {
  let app;

  before(async () => {
    // What a reset login keyring or a new machine looks like to the app.
    execFileSync("secret-tool", [
      "clear",
      "service",
      "com.cryptobalance.desktop",
    ]);
    app = await startApp();
  });

  after(async () => {
    await app?.stop();
  });

  it("asks for the passphrase, refuses a wrong one, and recovers everything", async () => {
    const { driver } = app;
    await driver.wait(
      until.elementLocated(By.css('form[data-vault="unlock"]')),
      TIMEOUT,
    );
    await typeInto(driver, "passphrase", "not the passphrase");
    await driver
      .findElement(By.css('form[data-vault="unlock"] button[type="submit"]'))
      .click();
    const alert = await driver.wait(
      until.elementLocated(By.css('[role="alert"]')),
      TIMEOUT,
    );
    assert.equal(
      await alert.getAttribute("data-error-code"),
      "wrong_passphrase",
    );
    await saveScreenshot(driver, "unlock-wrong-passphrase");
    await typeInto(driver, "passphrase", PASSPHRASE);
    await driver
      .findElement(By.css('form[data-vault="unlock"] button[type="submit"]'))
      .click();
    const link = await driver.wait(
      until.elementLocated(By.css('nav a[data-screen="holdings"]')),
      TIMEOUT,
    );
    assert.equal(
      (await driver.findElements(By.css("[data-keychain-notice]"))).length,
      0,
      "the keychain entry was restored, so there is no warning",
    );
    await link.click();
    const heading = await driver.wait(
      until.elementLocated(By.css("main h1")),
      TIMEOUT,
    );
    await driver.wait(until.elementTextIs(heading, "Holdings"), TIMEOUT);
    await driver.wait(
      until.elementLocated(
        By.xpath("//*[contains(text(), 'No holdings yet')]"),
      ),
      TIMEOUT,
    );
    await saveScreenshot(driver, "holdings-after-unlock");
  });
});
