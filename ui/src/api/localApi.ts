// The local HTTP API served from the desktop app, and its tokens (src-tauri/src/commands/api.rs).
import {
  commands,
  type ApiServerStatus,
  type ApiToken,
  type NewApiToken,
  type TokenScope,
} from "./bindings/contract";
import { unwrap } from "./ipc";

export type { ApiServerStatus, ApiToken, NewApiToken, TokenScope };

/** Whether the app serves the API, on which port, and its address while it listens. */
export function apiServerStatus(): Promise<ApiServerStatus> {
  return unwrap(commands.apiServerStatus());
}

/** Serves the API on 127.0.0.1:`port`, or stops it; the choice is remembered. */
export function setApiServer(enabled: boolean, port: number): Promise<ApiServerStatus> {
  return unwrap(commands.setApiServer(enabled, port));
}

/** Opens the API's docs page in the browser. */
export async function openApiDocs(): Promise<void> {
  await unwrap(commands.openApiDocs());
}

export function apiTokens(): Promise<ApiToken[]> {
  return unwrap(commands.apiTokens());
}

/** Makes a token; its secret is in the answer and is never shown again. */
export function createApiToken(name: string, readOnly: boolean): Promise<NewApiToken> {
  return unwrap(commands.createApiToken(name, readOnly));
}

export async function revokeApiToken(name: string): Promise<void> {
  await unwrap(commands.revokeApiToken(name));
}
