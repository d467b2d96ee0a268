// The UI writes numbers by the same rules as core (crates/core/src/numbers.rs): both check the
// shared cases, so a screen, a notification, the tray and the CLI agree digit for digit.
import { describe, expect, it } from "vitest";
import shared from "../../../fixtures/number-format.json";
import { formatAmount, formatMoney, formatPercent } from "./decimal";

type Case = {
  locale: string;
  kind: string;
  value: string;
  currency?: string;
  expected: string;
};

function written(c: Case): string {
  switch (c.kind) {
    case "amount":
      return formatAmount(c.value, c.locale);
    case "money":
      return formatMoney(c.value, c.currency ?? "", c.locale);
    case "percent":
      return formatPercent(c.value, c.locale);
    default:
      throw new Error(`unknown kind ${c.kind}`);
  }
}

describe("the shared number format", () => {
  const cases = shared.cases as Case[];

  it("has cases for every kind in several locales", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.locale)).size).toBeGreaterThanOrEqual(3);
  });

  it.each(cases)("$kind $value in $locale", (c) => {
    expect(written(c)).toBe(c.expected);
  });

  it("keeps text that is not a number", () => {
    expect(formatMoney("n/a", "usd", "en-US")).toBe("n/a USD");
  });
});
