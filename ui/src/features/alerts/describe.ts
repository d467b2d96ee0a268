// How a rule reads to people. Levels are exact decimal strings from the backend, shown grouped.
import type { AlertRule } from "../../api";
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

export function ruleState(rule: AlertRule): string {
  if (rule.done) return "Fired (once)";
  if (rule.paused) return "Paused";
  return "Active";
}
