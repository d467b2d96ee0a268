// A start-up failure, where no window will ever open, shows a native dialog that says what
// happened, what to do and where the log is (src-tauri/src/startup_error.rs).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { appBinary } from "./driver.mjs";

const TITLE = "Crypto Balance could not start";

/** Every window's title on the display, as xwininfo lists them. */
const windows = () => execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" });

describe("start-up errors", () => {
  it("show a dialog when the data folder is unusable", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "startup-e2e-"));
    const inTheWay = path.join(dir, "data");
    writeFileSync(inTheWay, "a file where the data folder should be");
    const app = spawn(appBinary(), [], {
      env: { ...process.env, CRYPTO_BALANCE_DATA_DIR: inTheWay },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let said = "";
    app.stderr.on("data", (chunk) => (said += chunk));
    const ended = new Promise((done) => app.on("exit", (code, signal) => done({ code, signal })));
    try {
      const deadline = Date.now() + 20_000;
      while (!windows().includes(TITLE)) {
        assert.ok(Date.now() < deadline, `no dialog within 20 s; the app said: ${said}`);
        await new Promise((done) => setTimeout(done, 250));
      }
      assert.match(said, /a file is in the way of the folder/);
    } finally {
      app.kill("SIGTERM");
    }
    // The dialog waits for the person; until then the app runs nothing else.
    assert.deepEqual(await ended, { code: null, signal: "SIGTERM" });
  });
});
