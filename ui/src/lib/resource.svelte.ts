// What a screen shows from the backend, loaded in one way everywhere: once at first, again on
// each event that concerns it, with its error and whether the first load is still running. The
// listeners live as long as the component (or effect root) that made the resource.
import { listenAll, toAppError, type AppError, type UnlistenFn } from "../api";

/** A subscription to one backend event (e.g. `onRatesUpdated`). */
export type ReloadOn = (handler: () => void) => Promise<UnlistenFn>;

export interface Resource<T> {
  /** The last value loaded; `null` until the first load succeeds. */
  readonly value: T | null;
  /** Why the last load failed; `null` once one succeeds. */
  readonly error: AppError | null;
  /** Whether the first load is still running. */
  readonly loading: boolean;
  /** Loads again now (after an action of the screen's own). */
  reload(): Promise<void>;
  /** Shows what an action of the screen's own returned (a save answers the new value). */
  replace(next: T): void;
}

/** Call during a component's initialisation: it loads at once and listens to `reloadOn`. */
export function resource<T>(load: () => Promise<T>, reloadOn: ReloadOn[] = []): Resource<T> {
  let value = $state<T | null>(null);
  let error = $state<AppError | null>(null);
  // Events can start loads faster than they finish, and they may finish in any order: a load
  // is shown only if it started after what is on screen (a load, or an action's answer), so an
  // older answer never replaces a newer one and a stream of events still shows each step.
  let started = 0;
  /** The load (or action's answer) on screen; 0 while the first load runs. */
  let shown = $state(0);

  async function reload() {
    const mine = ++started;
    try {
      const next = await load();
      if (mine > shown) {
        shown = mine;
        value = next;
        error = null;
      }
    } catch (reason) {
      if (mine > shown) {
        shown = mine;
        error = toAppError(reason);
      }
    }
  }

  void reload();
  if (reloadOn.length > 0) {
    // Listening starts with the component and its teardown stops it.
    $effect(() => listenAll(reloadOn.map((on) => on(() => void reload()))));
  }
  return {
    get value() {
      return value;
    },
    get error() {
      return error;
    },
    get loading() {
      return shown === 0;
    },
    reload,
    replace(next: T) {
      shown = ++started;
      value = next;
      error = null;
    },
  };
}
