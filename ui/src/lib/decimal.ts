// Display helpers for the exact decimal strings the backend sends. No floats: rounding is done on
// the digits themselves, so what is shown is the exact value rounded half away from zero.

/** Rounds a plain decimal string ("-12.345") to `places` decimal places, trimming trailing zeros. */
export function roundDecimal(value: string, places: number): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign = "", whole = "0", fraction = ""] = match;
  if (fraction.length <= places) return trimZeros(sign, whole, fraction);
  const kept = whole + fraction.slice(0, places);
  const roundUp = fraction.charCodeAt(places) >= "5".charCodeAt(0);
  const digits = roundUp ? incrementDigits(kept) : kept;
  const wholeLength = digits.length - places;
  return trimZeros(sign, digits.slice(0, wholeLength), digits.slice(wholeLength));
}

/** A price for people: cents above 1, six significant decimals below. */
export function formatPrice(value: string): string {
  const match = /^-?0\.(0*)/.exec(value.trim());
  const places = match ? (match[1] ?? "").length + 6 : 2;
  return roundDecimal(value, places);
}

function incrementDigits(digits: string): string {
  const out = digits.split("");
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === "9") {
      out[i] = "0";
    } else {
      out[i] = String(Number(out[i]) + 1);
      return out.join("");
    }
  }
  return "1" + out.join("");
}

function trimZeros(sign: string, whole: string, fraction: string): string {
  const trimmedWhole = whole.replace(/^0+(?=\d)/, "");
  const trimmedFraction = fraction.replace(/0+$/, "");
  const text = trimmedFraction ? `${trimmedWhole}.${trimmedFraction}` : trimmedWhole;
  return /^[0.]+$/.test(text) ? text : sign + text;
}

/** The user's locale (the system's, as the web view reports it). */
export function userLocale(): string {
  return typeof navigator !== "undefined" && navigator.language ? navigator.language : "en-US";
}

type Separators = { readonly group: string; readonly decimal: string };

// Learned once per locale: a NumberFormat costs far more than the formatting itself, and a
// screen formats thousands of numbers.
const separatorsByLocale = new Map<string, Separators>();

/** The group and decimal separators `locale` writes numbers with. */
export function separators(locale: string = userLocale()): Separators {
  let known = separatorsByLocale.get(locale);
  if (!known) {
    known = learnSeparators(locale);
    separatorsByLocale.set(locale, known);
  }
  return known;
}

function learnSeparators(locale: string): Separators {
  let group = ",";
  let decimal = ".";
  try {
    for (const part of new Intl.NumberFormat(locale).formatToParts(12345.6)) {
      if (part.type === "group") group = part.value;
      if (part.type === "decimal") decimal = part.value;
    }
  } catch {
    // An unknown locale: keep the defaults.
  }
  return { group, decimal };
}

/**
 * Writes a plain decimal string the way `locale` writes numbers, digit for digit:
 * "1234567.5" -> "1,234,567.5" (en-US), "1.234.567,5" (de-DE).
 */
export function groupThousands(value: string, locale: string = userLocale()): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return value;
  const [, sign = "", whole = "", fraction] = match;
  const { group, decimal } = separators(locale);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return sign + grouped + (fraction === undefined ? "" : decimal + fraction);
}

/**
 * Reads a number a person typed, in their locale or with a plain ".", into a plain decimal
 * string ("1 234,5" -> "1234.5"); `null` when it is not a non-negative number.
 */
export function parseDecimalInput(text: string, locale: string = userLocale()): string | null {
  const { group, decimal } = separators(locale);
  let plain = text.trim().replace(/[\s\u00a0\u202f']/g, "");
  if (decimal !== "." && plain.includes(decimal)) {
    plain = plain.split(group).join("").replace(decimal, ".");
  } else if (group === "," && /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain)) {
    plain = plain.replace(/,/g, "");
  }
  return /^\d+(\.\d+)?$/.test(plain) || /^\.\d+$/.test(plain) ? plain.replace(/^\./, "0.") : null;
}

/** Orders two plain decimal strings exactly (for sorting): negative, zero or positive. */
export function compareDecimal(a: string, b: string): number {
  const parse = (value: string) => {
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
    const negative = match?.[1] === "-";
    const whole = (match?.[2] ?? "0").replace(/^0+/, "");
    const fraction = (match?.[3] ?? "").replace(/0+$/, "");
    const zero = whole === "" && fraction === "";
    return { negative: negative && !zero, whole, fraction };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const direction = x.negative ? -1 : 1;
  if (x.whole.length !== y.whole.length) {
    return (x.whole.length - y.whole.length) * direction;
  }
  const width = Math.max(x.fraction.length, y.fraction.length);
  const left = x.whole + x.fraction.padEnd(width, "0");
  const right = y.whole + y.fraction.padEnd(width, "0");
  return left === right ? 0 : (left < right ? -1 : 1) * direction;
}

/** An exact quantity, every digit kept, grouped: "1,234,567.5". */
export function formatAmount(value: string, locale: string = userLocale()): string {
  return groupThousands(value, locale);
}

/**
 * A money number for people: cents, or six significant decimals below 1, grouped in thousands.
 * The same rules as core's `numbers.rs`; both are checked against fixtures/number-format.json.
 */
export function formatMoneyNumber(value: string, locale: string = userLocale()): string {
  if (!/^-?\d+(\.\d+)?$/.test(value)) return value;
  let text = formatPrice(value);
  if (!/^-?0\.0/.test(text)) {
    const [whole = "0", fraction = ""] = text.split(".");
    text = `${whole}.${fraction.padEnd(2, "0")}`;
  }
  return groupThousands(text, locale);
}

/** Money with its currency code: "33,593.67 USD". */
export function formatMoney(
  value: string,
  currency: string,
  locale: string = userLocale(),
): string {
  return `${formatMoneyNumber(value, locale)} ${currency.toUpperCase()}`;
}

/** A gain or loss, its sign always shown: "+24,000.00", "-12.50", and "0.00" without one. */
export function formatGainNumber(value: string, locale: string = userLocale()): string {
  const text = formatMoneyNumber(value, locale);
  return value.startsWith("-") || !/[1-9]/.test(text) ? text : `+${text}`;
}

/** A gain or loss with its currency code: "+24,000.00 USD". */
export function formatGain(value: string, currency: string, locale: string = userLocale()): string {
  return `${formatGainNumber(value, locale)} ${currency.toUpperCase()}`;
}

/** The colour class of a signed figure: "gain", "loss", or none for zero or unknown. */
export function toneOf(value: string | null): string {
  if (value === null || /^-?0(\.0+)?$/.test(value)) return "";
  return value.startsWith("-") ? "loss" : "gain";
}

/** A percentage change with its sign, to two places: "+3.64%", "-0.33%", "0%". */
export function formatPercent(value: string, locale: string = userLocale()): string {
  const rounded = roundDecimal(value, 2);
  if (rounded === "0") return "0%";
  return `${rounded.startsWith("-") ? "" : "+"}${groupThousands(rounded, locale)}%`;
}
