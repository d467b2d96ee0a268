// How a rule reads to people. Levels are exact decimal strings from the backend, shown grouped.
import type { AlertKind, AlertRule } from "../../api";
import { groupThousands } from "../../lib/decimal";

export function describeRule(rule: AlertRule): string {
  const coin = rule.coin ?? "Portfolio";
  const level = `${groupThousands(rule.threshold)} ${rule.currency.toUpperCase()}`;
  const holding = rule.account ? `${coin} in ${rule.account}` : `${coin} (all accounts)`;
  switch (rule.kind) {
    case "price_above":
      return `${coin} at or above ${level}`;
    case "price_below":
      return `${coin} at or below ${level}`;
    case "change_up":
      return `${coin} up ${rule.threshold}% in 24 h`;
    case "change_down":
      return `${coin} down ${rule.threshold}% in 24 h`;
    case "change_either":
      return `${coin} moves ${rule.threshold}% in 24 h`;
    case "portfolio_above":
      return `Portfolio at or above ${level}`;
    case "portfolio_below":
      return `Portfolio at or below ${level}`;
    case "holding_above":
      return `${holding} worth ${level} or more`;
    case "holding_below":
      return `${holding} worth ${level} or less`;
  }
}

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
};

export function isPercentKind(kind: AlertKind): boolean {
  return kind.startsWith("change_");
}

export function needsCoin(kind: AlertKind): boolean {
  return !kind.startsWith("portfolio_");
}
