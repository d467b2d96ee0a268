import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { flushSync } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import { onHoldingsChanged } from "../api";
import { resource } from "./resource.svelte";

afterEach(() => clearMocks());

/** Runs `make` as a component's initialisation would, and returns what it made. */
function inComponent<T>(make: () => T): { made: T; destroy: () => void } {
  let made!: T;
  const destroy = $effect.root(() => {
    made = make();
  });
  flushSync(); // effects run: the listeners start
  return { made, destroy };
}

/** A resource whose loads wait until the test answers them, in any order: `answer(n, value)`
 * ends the n-th load (from 0). */
function answeredByHand<T>() {
  const answers: ((value: T) => void)[] = [];
  const { made, destroy } = inComponent(() =>
    resource(() => new Promise<T>((done) => answers.push(done))),
  );
  return { made, destroy, answer: (load: number, value: T) => answers[load]?.(value) };
}

describe("resource", () => {
  it("loads, reloads on its events, and keeps the last error until a load succeeds", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    let calls = 0;
    let failing = false;
    const { made: holdings, destroy } = inComponent(() =>
      resource(async () => {
        calls += 1;
        if (failing) throw { code: "locked", message: "the vault is locked" };
        return calls;
      }, [onHoldingsChanged]),
    );
    expect(holdings.loading).toBe(true);
    await expect.poll(() => holdings.value).toBe(1);
    expect(holdings.loading).toBe(false);
    await new Promise((done) => setTimeout(done, 10)); // the listeners are registered
    await emit("holdings-changed");
    await expect.poll(() => holdings.value).toBe(2);
    failing = true;
    await holdings.reload();
    flushSync();
    expect(holdings.error?.code).toBe("locked");
    expect(holdings.value).toBe(2);
    failing = false;
    await holdings.reload();
    expect(holdings.error).toBeNull();
    destroy();
  });

  it("shows the latest load when an earlier one finishes after it", async () => {
    const { made: history, destroy, answer } = answeredByHand<string>();
    const second = history.reload();
    answer(1, "after the backfill");
    await second;
    answer(0, "before it");
    await new Promise((done) => setTimeout(done, 0));
    expect(history.value).toBe("after the backfill");
    expect(history.loading).toBe(false);
    destroy();
  });

  it("shows each load that finishes in order while more are under way", async () => {
    const { made: history, destroy, answer } = answeredByHand<number>();
    const second = history.reload();
    answer(0, 1);
    await expect.poll(() => history.value).toBe(1);
    answer(1, 2);
    await second;
    expect(history.value).toBe(2);
    destroy();
  });

  it("keeps an action's answer over a load that was under way", async () => {
    const { made: settings, destroy, answer } = answeredByHand<string>();
    settings.replace("saved");
    answer(0, "stored before the save");
    await new Promise((done) => setTimeout(done, 0));
    expect(settings.value).toBe("saved");
    destroy();
  });

  it("shows what an action returned without loading again", async () => {
    let calls = 0;
    const { made: settings, destroy } = inComponent(() =>
      resource(async () => {
        calls += 1;
        if (calls > 1) throw { code: "internal", message: "no second load expected" };
        return "stored";
      }),
    );
    await expect.poll(() => settings.value).toBe("stored");
    settings.replace("saved");
    expect(settings.value).toBe("saved");
    expect(settings.error).toBeNull();
    expect(calls).toBe(1);
    destroy();
  });
});
