// The one change that can be undone from the toast: what it did and the batch that reverts it.
import { undoChange } from "../api/holdings";

export interface Undoable {
  message: string;
  batchId: number;
}

export const pendingUndo = $state<{ current: Undoable | null }>({ current: null });

let timer: ReturnType<typeof setTimeout> | undefined;

/** How long the toast offers the undo. */
export const UNDO_WINDOW_MS = 12_000;

/** Offers to undo `batchId` for a while; a newer change replaces the offer. */
export function offerUndo(message: string, batchId: number) {
  pendingUndo.current = { message, batchId };
  clearTimeout(timer);
  timer = setTimeout(dismissUndo, UNDO_WINDOW_MS);
}

export function dismissUndo() {
  clearTimeout(timer);
  pendingUndo.current = null;
}

/** Reverts the offered change; the backend's `holdings-changed` event refreshes the screens. */
export async function undoPending(): Promise<void> {
  const offer = pendingUndo.current;
  if (!offer) return;
  dismissUndo();
  await undoChange(offer.batchId);
}
