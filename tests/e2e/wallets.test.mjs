// Watch-only wallets end to end: a zpub added in the app against chain-fake (an Esplora server),
// checked as it is typed (a seed phrase refused, the first address shown), scanned, and valued in
// Holdings with the wallet listed under them and its "as of" block; then an EVM address against
// chain-fake's Ethereum, its ETH and USDC (matched to CoinGecko by contract) valued the same way.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as e2e from "./driver.mjs";

const { cliVault, renderedText, saveScreenshot, startChainFake, startFake, startOnCliVault } = e2e;
const { moves, stopAll, TIMEOUT } = e2e;

const PASSPHRASE = "a wallets recovery passphrase";
// BIP-84's account-0 zpub, and the script of its first address
// bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu.
const ZPUB =
  "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
const FIRST_SCRIPT = "0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2";
const EVM_OWNER = "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045";
const USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const SOLANA_OWNER = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const PHRASE =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

describe("watching a Bitcoin wallet", () => {
  let app;
  let fake;
  let chain;
  let ethereum;
  let solana;
  let driver;

  const { find, click, textOf } = moves(() => driver);

  before(async () => {
    fake = await startFake();
    chain = await startChainFake();
    await chain.pay(FIRST_SCRIPT, 25_000_000, 799_000);
    ethereum = await startChainFake(["evm", "1"]);
    await ethereum.set({
      owner: EVM_OWNER,
      wei: "500000000000000000",
      tokens: [{ token: USDC, decimals: 6, units: "1250000000" }],
    });
    solana = await startChainFake(["solana"]);
    await solana.set({ owner: SOLANA_OWNER, lamports: 4_000_000_000 });
    const { dataDir, cli } = cliVault(fake, "wallets", PASSPHRASE);
    // Something held already, so the app opens on the portfolio's total.
    cli(
      "holdings",
      "add",
      "--coin",
      "eth",
      "--amount",
      "1",
      "--account",
      "Ledger",
    );
    cli("sync", "--once");
    app = await startOnCliVault(fake, dataDir, PASSPHRASE, {
      CRYPTO_BALANCE_ESPLORA_URL: chain.url,
      CRYPTO_BALANCE_RPC_ETHEREUM: ethereum.url,
      CRYPTO_BALANCE_SOLANA_RPC: solana.url,
    });
    driver = app.driver;
  });

  after(() => stopAll(app, chain, ethereum, solana, fake));

  it("refuses a seed phrase, then watches a zpub and values its coins", async () => {
    await click('nav a[data-screen="holdings"]');
    await click("[data-watch-wallet]");
    const watch = await find("[data-wallet-watch]");
    await watch.sendKeys(PHRASE);
    const problem = await textOf("[data-wallet-problem]");
    assert.match(problem, /recovery phrase/);
    assert.ok(!problem.includes("abandon"), problem);
    assert.equal(await (await find("[data-wallet-add]")).isEnabled(), false);

    await watch.clear();
    await watch.sendKeys(ZPUB);
    await driver.wait(
      async () =>
        (await textOf("[data-wallet-preview]")).includes(
          "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
        ),
      TIMEOUT,
    );
    await (
      await find('[data-wallet-form] input[placeholder^="e.g."]')
    ).sendKeys("Cold storage");
    await saveScreenshot(driver, "wallet-form");
    await click("[data-wallet-add]");

    const row = await find('[data-wallet="Cold storage"]');
    await driver.executeScript(
      "arguments[0].scrollIntoView({block: 'center'})",
      row,
    );
    let seen = "";
    await driver
      .wait(async () => {
        seen = await renderedText(driver, row);
        return /as of block 800,?000/.test(seen);
      }, TIMEOUT)
      .catch(() => assert.fail(`the wallet's row says: ${seen}`));
    assert.match(
      await textOf("[data-wallet-notice]"),
      /scanned at block 800000: 1 new/,
    );
    // The wallet's bitcoin is valued in Holdings like any other.
    const bitcoin = await find('[data-asset="bitcoin"]');
    await driver.wait(
      async () => (await renderedText(driver, bitcoin)).includes("0.25"),
      TIMEOUT,
    );
    await driver.executeScript(
      "arguments[0].scrollIntoView({block: 'center'})",
      await find("[data-wallets]"),
    );
    await saveScreenshot(driver, "wallets");

    // Its account carries the chain's badge under the coin.
    await click('[data-asset="bitcoin"] button[aria-expanded]');
    const account = await find('[data-holding="bitcoin/Cold storage"]');
    assert.match(await renderedText(driver, account), /Cold storage\s*BTC/);
  });

  it("watches an EVM address on Ethereum and values its ETH and USDC", async () => {
    await click("[data-watch-wallet]");
    await (
      await find("[data-wallet-chain]")
    ).sendKeys("Ethereum and EVM chains");
    // Only Ethereum: the other chains' public servers are out of reach here.
    for (const name of ["arbitrum", "optimism", "base", "polygon", "bnb"]) {
      await click(`[data-wallet-chains] input[value="${name}"]`);
    }
    await (await find("[data-wallet-watch]")).sendKeys(EVM_OWNER.toLowerCase());
    await driver.wait(
      async () =>
        (await textOf("[data-wallet-preview]")).includes(
          `Ethereum · address ${EVM_OWNER}`,
        ),
      TIMEOUT,
    );
    await (
      await find('[data-wallet-form] input[placeholder^="e.g."]')
    ).sendKeys("Rabby");
    await saveScreenshot(driver, "wallet-form-evm");
    await click("[data-wallet-add]");

    const row = await find('[data-wallet="Rabby"]');
    let seen = "";
    await driver
      .wait(async () => {
        seen = await renderedText(driver, row);
        return /as of block 20,?000,?000/.test(seen);
      }, TIMEOUT)
      .catch(() => assert.fail(`the wallet's row says: ${seen}`));
    const usdc = await find('[data-asset="usd-coin"]');
    await driver.wait(
      async () => (await renderedText(driver, usdc)).includes("1,250"),
      TIMEOUT,
    );
    await driver.executeScript(
      "arguments[0].scrollIntoView({block: 'center'})",
      row,
    );
    await saveScreenshot(driver, "wallets-evm");

    // Renamed in place: the row follows, its coins stay.
    await click('[data-wallet="Rabby"] [data-edit]');
    const name = await find("[data-edit-name]");
    await name.clear();
    await name.sendKeys("Rabby (hot)");
    await saveScreenshot(driver, "wallet-edit");
    await click("[data-edit-save]");
    await find('[data-wallet="Rabby (hot)"]');
    assert.match(await textOf("[data-wallet-notice]"), /Saved 'Rabby \(hot\)'/);
  });

  it("watches a Solana address and values its SOL", async () => {
    await click("[data-watch-wallet]");
    // Chosen as a person's click would, by value (typing into a select is unreliable here).
    await driver.executeScript(
      "arguments[0].value = 'solana'; arguments[0].dispatchEvent(new Event('change'))",
      await find("[data-wallet-chain]"),
    );
    await (await find("[data-wallet-watch]")).sendKeys(SOLANA_OWNER);
    await driver.wait(
      async () =>
        (await textOf("[data-wallet-preview]")).includes(SOLANA_OWNER),
      TIMEOUT,
    );
    await (
      await find('[data-wallet-form] input[placeholder^="e.g."]')
    ).sendKeys("Phantom");
    await click("[data-wallet-add]");
    const row = await find('[data-wallet="Phantom"]');
    await driver.wait(
      async () =>
        /as of slot 250,?000,?000/.test(await renderedText(driver, row)),
      TIMEOUT,
    );
    const sol = await find('[data-asset="solana"]');
    await driver.wait(
      async () => (await renderedText(driver, sol)).includes("4"),
      TIMEOUT,
    );
  });

  it("asks the Esplora server chosen in Settings, and logs what it asked", async () => {
    await click('nav a[data-screen="settings"]');
    const field = await find('[data-server="esplora"]');
    await driver.executeScript(
      "arguments[0].scrollIntoView({block: 'center'})",
      field,
    );
    await field.sendKeys(chain.url);
    await (await find("[data-wallet-settings] button[type=submit]")).click();
    await find("[data-wallet-settings] [aria-live]");
    await saveScreenshot(driver, "settings-servers");
    const log = await find("[data-privacy-log]");
    await driver.executeScript(
      "arguments[0].scrollIntoView({block: 'start'})",
      log,
    );
    await driver.wait(
      async () =>
        (await renderedText(driver, log)).includes(
          "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu of wallet 'Cold storage'",
        ),
      TIMEOUT,
    );
    await saveScreenshot(driver, "settings-wallets");
  });
});
