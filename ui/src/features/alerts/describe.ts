// What the Alerts screen says about a rule besides its wording, which core writes (with coin
// names and the one number format) as `rule.description`.
import type { AlertKind, AlertRule } from "../../api";

export function ruleState(rule: AlertRule, nowMs: number = Date.now()): string {
  if (rule.done) return "Fired (once)";
  if (rule.paused) return "Paused";
  if (rule.snoozed_until !== null && rule.snoozed_until * 1000 > nowMs) {
    return `Snoozed until ${new Date(rule.snoozed_until * 1000).toLocaleString()}`;
  }
  return "Active";
}

/** What each kind of rule watches, as the form offers it. */
export const kindLabels: Record<AlertKind, string> = {
  price_above: "a price rises to a level",
  price_below: "a price falls to a level",
  change_up: "a coin rises by a percentage in 24 h",
  change_down: "a coin falls by a percentage in 24 h",
  change_either: "a coin moves by a percentage in 24 h",
  portfolio_above: "the portfolio rises to a value",
  portfolio_below: "the portfolio falls to a value",
  holding_above: "a holding's value rises to a level",
  holding_below: "a holding's value falls to a level",
  wallet_changed: "a watched wallet's balance changes",
};

export function isPercentKind(kind: AlertKind): boolean {
  return kind.startsWith("change_");
}

export function needsCoin(kind: AlertKind): boolean {
  return !kind.startsWith("portfolio_") && kind !== "wallet_changed";
}

/** Rules a wallet's scan fires: they name a wallet and have no level. */
export function isWalletKind(kind: AlertKind): boolean {
  return kind === "wallet_changed";
}
