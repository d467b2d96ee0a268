// The gateway to the Rust backend: the generated `commands` (bindings/contract.ts) are called
// through `unwrap` or `guard`, so every failure comes out as an AppError with a stable code
// (design.md section 8).
import type { ErrorCode, ErrorReport } from "./bindings/contract";

/** A failed command: `code` is stable and safe to branch on; `message` is for people. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
  }
}

function isErrorReport(value: unknown): value is ErrorReport {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ErrorReport).code === "string" &&
    typeof (value as ErrorReport).message === "string"
  );
}

/**
 * Turns whatever a rejected invoke carries into an AppError. Our commands reject with
 * `{ code, message }`; Tauri itself rejects with a string (a denied permission, bad arguments),
 * which is a bug on our side, so it becomes `internal`.
 */
export function toAppError(reason: unknown): AppError {
  if (reason instanceof AppError) return reason;
  if (isErrorReport(reason)) return new AppError(reason.code, reason.message);
  if (typeof reason === "string") return new AppError("internal", reason);
  if (reason instanceof Error) return new AppError("internal", reason.message);
  return new AppError("internal", "The app's backend failed without saying why.");
}

/** What a generated command that can fail resolves to. */
type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: ErrorReport };

/** The data of a generated command's result; its `{ code, message }` error thrown as an AppError. */
export async function unwrap<T>(pending: Promise<Outcome<T>>): Promise<T> {
  const outcome = await guard(pending);
  if (outcome.status === "error") throw toAppError(outcome.error);
  return outcome.data;
}

/** A command that cannot fail on our side: Tauri's own rejections still become AppErrors. */
export async function guard<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (reason) {
    throw toAppError(reason);
  }
}
