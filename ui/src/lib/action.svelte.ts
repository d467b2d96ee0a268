// A screen's own action (save, revoke, send): one at a time, with its failure kept for the screen
// to show. Loading goes through `resource`; this is for what the person asks for.
import { toAppError, type AppError } from "../api";

export interface Action {
  /** An action is running: its buttons wait. */
  readonly busy: boolean;
  /** Why the last action failed; cleared when one succeeds. */
  readonly error: AppError | null;
  run(action: () => Promise<void>): Promise<void>;
}

export function action(): Action {
  let busy = $state(false);
  let error = $state<AppError | null>(null);
  return {
    get busy() {
      return busy;
    },
    get error() {
      return error;
    },
    async run(work: () => Promise<void>) {
      busy = true;
      try {
        await work();
        error = null;
      } catch (reason) {
        error = toAppError(reason);
      } finally {
        busy = false;
      }
    },
  };
}
