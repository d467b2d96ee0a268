import { describe, expect, it } from "vitest";
import {
  compareDecimal,
  parseDecimalInput,
  formatGain,
  formatMoney,
  formatMoneyNumber,
  formatPercent,
  formatPrice,
  groupThousands,
  roundDecimal,
} from "./decimal";

describe("roundDecimal", () => {
  it("rounds half away from zero on the digits, without floats", () => {
    expect(roundDecimal("41719.987904445116419716", 2)).toBe("41719.99");
    expect(roundDecimal("0.125", 2)).toBe("0.13");
    expect(roundDecimal("-0.125", 2)).toBe("-0.13");
    expect(roundDecimal("9.995", 2)).toBe("10");
    expect(roundDecimal("99999999999999999999.999", 2)).toBe("100000000000000000000");
    expect(roundDecimal("1.10", 4)).toBe("1.1");
    expect(roundDecimal("-0.001", 2)).toBe("0");
  });

  it("leaves what is not a plain decimal alone", () => {
    expect(roundDecimal("8.69e-05", 2)).toBe("8.69e-05");
  });
});

describe("formatPrice", () => {
  it("shows cents above 1 and six significant decimals below", () => {
    expect(formatPrice("2104.37")).toBe("2104.37");
    expect(formatPrice("0.0000869123456")).toBe("0.0000869123");
    expect(formatPrice("0.4123")).toBe("0.4123");
  });
});

describe("money for people", () => {
  it("groups thousands and shows cents, with more places only for tiny values", () => {
    expect(groupThousands("1234567.891")).toBe("1,234,567.891");
    expect(groupThousands("-999")).toBe("-999");
    expect(formatMoney("33593.6679468283", "usd")).toBe("33,593.67 USD");
    expect(formatMoney("130", "eur")).toBe("130.00 EUR");
    expect(formatMoney("0.5", "usd")).toBe("0.50 USD");
    expect(formatMoney("0.00002607", "usd")).toBe("0.00002607 USD");
    expect(formatMoney("-1234.5", "gbp")).toBe("-1,234.50 GBP");
    expect(formatMoneyNumber("70000")).toBe("70,000.00");
  });

  it("signs gains, and nothing that shows as zero", () => {
    expect(formatGain("24000", "usd")).toBe("+24,000.00 USD");
    expect(formatGain("-12.5", "eur")).toBe("-12.50 EUR");
    expect(formatGain("0", "usd")).toBe("0.00 USD");
    expect(formatGain("0.001", "usd")).toBe("+0.001 USD");
  });

  it("signs percentages", () => {
    expect(formatPercent("3.63727894677354")).toBe("+3.64%");
    expect(formatPercent("-0.003253112981338902")).toBe("0%");
    expect(formatPercent("-1.5")).toBe("-1.5%");
  });
});

describe("locale and input", () => {
  it("writes exact decimals with the locale's separators", () => {
    expect(groupThousands("1234567.5", "en-US")).toBe("1,234,567.5");
    expect(groupThousands("1234567.5", "de-DE")).toBe("1.234.567,5");
    expect(groupThousands("-0.000000012345", "de-DE")).toBe("-0,000000012345");
  });

  it("learns a locale's separators once, not for every number it writes", () => {
    const Original = Intl.NumberFormat;
    let made = 0;
    Intl.NumberFormat = class extends Original {
      constructor(...args: ConstructorParameters<typeof Original>) {
        super(...args);
        made += 1;
      }
    } as typeof Intl.NumberFormat;
    try {
      for (let i = 0; i < 100; i++) groupThousands(`${i}000.5`, "fr-CH");
      expect(groupThousands("1234567.5", "fr-CH")).toBe(new Original("fr-CH").format(1234567.5));
      expect(made).toBe(1);
    } finally {
      Intl.NumberFormat = Original;
    }
  });

  it("reads what people type in their locale, refusing anything else", () => {
    expect(parseDecimalInput("1,234.5", "en-US")).toBe("1234.5");
    expect(parseDecimalInput("1.234,5", "de-DE")).toBe("1234.5");
    expect(parseDecimalInput("0,5", "de-DE")).toBe("0.5");
    expect(parseDecimalInput(".25", "en-US")).toBe("0.25");
    expect(parseDecimalInput("  3 ", "en-US")).toBe("3");
    for (const bad of ["", "-1", "1e5", "abc", "1.2.3", "1,2,3"]) {
      expect(parseDecimalInput(bad, "en-US")).toBeNull();
    }
  });

  it("orders decimal strings exactly, beyond what a float can tell apart", () => {
    expect(compareDecimal("0.30000000000000000001", "0.3")).toBe(1);
    expect(compareDecimal("-2", "-10")).toBe(1);
    expect(compareDecimal("10", "9.999")).toBe(1);
    expect(compareDecimal("-0", "0.000")).toBe(0);
    expect(compareDecimal("0.5", "1")).toBe(-1);
    const sorted = ["3", "-1.5", "0.25", "100", "-20"].sort(compareDecimal);
    expect(sorted).toEqual(["-20", "-1.5", "0.25", "3", "100"]);
  });
});
