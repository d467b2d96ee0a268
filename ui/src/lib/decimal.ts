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

/** Groups a plain decimal string's whole part in thousands: "1234567.5" -> "1,234,567.5". */
export function groupThousands(value: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(value);
  if (!match) return value;
  const [, sign = "", whole = "", fraction = ""] = match;
  return sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + fraction;
}

/** A money number for people: cents (more places for tiny values), grouped in thousands. */
export function formatMoneyNumber(value: string): string {
  let text = formatPrice(value);
  if (!/^-?0\.0/.test(text)) {
    const [whole = "0", fraction = ""] = text.split(".");
    text = `${whole}.${fraction.padEnd(2, "0")}`;
  }
  return groupThousands(text);
}

/** Money with its currency code: "33,593.67 USD". */
export function formatMoney(value: string, currency: string): string {
  return `${formatMoneyNumber(value)} ${currency.toUpperCase()}`;
}

/** A percentage change with its sign: "+3.64%", "-0.33%". */
export function formatPercent(value: string): string {
  const rounded = roundDecimal(value, 2);
  if (rounded === "0") return "0%";
  return `${rounded.startsWith("-") ? "" : "+"}${rounded}%`;
}
