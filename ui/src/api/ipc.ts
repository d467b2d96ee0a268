// The single gateway to the Rust backend: every command goes through `call`, and every failure
// comes out as an AppError with a stable code (design.md section 8).
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ErrorReport } from "./bindings/ErrorReport";

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

export async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toAppError(reason);
  }
}
