// The walking skeleton end to end: the real app opens, every screen is reachable from the
// navigation, and Settings shows values that only the Rust backend can know.
import assert from "node:assert/strict";
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
  const match = manifest.match(/\[workspace\.package\][^[]*?\nversion\s*=\s*"([^"]+)"/);
  assert.ok(match, "Cargo.toml has a [workspace.package] version");
  return match[1];
}

describe("the desktop app", () => {
  let app;

  before(async () => {
    app = await startApp();
  });

  after(async () => {
    await app?.stop();
  });

  it("opens on the portfolio with the app's title", async () => {
    const { driver } = app;
    const heading = await driver.wait(until.elementLocated(By.css("main h1")), TIMEOUT);
    assert.equal(await heading.getText(), "Portfolio");
    assert.equal(await driver.getTitle(), "Crypto Balance");
  });

  it("reaches every screen from the navigation", async () => {
    const { driver } = app;
    for (const [id, label] of screens) {
      await driver.findElement(By.css(`nav a[data-screen="${id}"]`)).click();
      const heading = await driver.findElement(By.css("main h1"));
      await driver.wait(until.elementTextIs(heading, label), TIMEOUT);
      const link = await driver.findElement(By.css(`nav a[data-screen="${id}"]`));
      assert.equal(await link.getAttribute("aria-current"), "page", `${label} is marked current`);
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
