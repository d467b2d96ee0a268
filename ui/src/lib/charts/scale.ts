// Linear mapping from data to pixels, round value ticks and calendar-aligned time ticks.
// (d3-scale would do this, but it pulls in d3-color, whose prototype set-up fails under Tauri's
// freezePrototype.)

/** Maps [d0, d1] onto [r0, r1]; a flat domain maps to the middle. */
export function linear(
  [d0, d1]: readonly [number, number],
  [r0, r1]: readonly [number, number],
): (value: number) => number {
  const span = d1 - d0;
  return (value) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0));
}

/** A value tick: where it sits (a float, for pixels) and its exact label text ("68000"). */
export interface ValueTick {
  value: number;
  text: string;
}

/**
 * At most `count` round values (steps of 1, 2 or 5 times a power of ten) covering [low, high].
 * Each label is written from integers, so "0.3" never reads "0.30000000000000004".
 */
export function valueTicks(low: number, high: number, count: number): ValueTick[] {
  if (!Number.isFinite(low) || !Number.isFinite(high) || count < 2) return [];
  if (high < low) [low, high] = [high, low];
  if (high === low) {
    const spread = Math.abs(high) * 0.05 || 1;
    [low, high] = [low - spread, high + spread];
  }
  // The smallest step of 1, 2 or 5 times a power of ten that needs no more than `count` ticks.
  let exponent = Math.floor(Math.log10((high - low) / (count - 1))) - 1;
  let step = 1;
  let size = 10 ** exponent;
  const fits = () => Math.floor(high / size) - Math.ceil(low / size) + 1 <= count;
  for (let tries = 0; tries < 12 && !fits(); tries++) {
    if (step === 1) step = 2;
    else if (step === 2) step = 5;
    else [step, exponent] = [1, exponent + 1];
    size = step * 10 ** exponent;
  }
  const first = Math.ceil(low / size);
  const last = Math.floor(high / size);
  const ticks: ValueTick[] = [];
  for (let k = first; k <= last && ticks.length <= count; k++) {
    ticks.push({ value: k * size, text: decimalOf(k * step, exponent) });
  }
  return ticks;
}

/** `units` times 10^`exponent`, written exactly: (15, -1) -> "1.5", (3, 4) -> "30000". */
function decimalOf(units: number, exponent: number): string {
  const sign = units < 0 ? "-" : "";
  const digits = String(Math.abs(units));
  if (exponent >= 0) return digits === "0" ? "0" : sign + digits + "0".repeat(exponent);
  const places = -exponent;
  const padded = digits.padStart(places + 1, "0");
  const whole = padded.slice(0, padded.length - places);
  const fraction = padded.slice(padded.length - places).replace(/0+$/, "");
  const text = fraction ? `${whole}.${fraction}` : whole;
  return text === "0" ? "0" : sign + text;
}

const HOUR = 3_600;
const DAY = 86_400;

type TimeStep = { seconds: number; unit: "minute" | "hour" | "day" | "month" | "year"; n: number };

const longestStep: TimeStep = { seconds: 5 * 365 * DAY, unit: "year", n: 5 };

/** Calendar steps a time axis may use, shortest first: hours, days, weeks, months, years. */
const timeSteps: readonly TimeStep[] = [
  { seconds: 60, unit: "minute", n: 1 },
  { seconds: 5 * 60, unit: "minute", n: 5 },
  { seconds: 15 * 60, unit: "minute", n: 15 },
  { seconds: 30 * 60, unit: "minute", n: 30 },
  { seconds: HOUR, unit: "hour", n: 1 },
  { seconds: 3 * HOUR, unit: "hour", n: 3 },
  { seconds: 6 * HOUR, unit: "hour", n: 6 },
  { seconds: 12 * HOUR, unit: "hour", n: 12 },
  { seconds: DAY, unit: "day", n: 1 },
  { seconds: 2 * DAY, unit: "day", n: 2 },
  { seconds: 7 * DAY, unit: "day", n: 7 },
  { seconds: 14 * DAY, unit: "day", n: 14 },
  { seconds: 30 * DAY, unit: "month", n: 1 },
  { seconds: 91 * DAY, unit: "month", n: 3 },
  { seconds: 182 * DAY, unit: "month", n: 6 },
  { seconds: 365 * DAY, unit: "year", n: 1 },
  { seconds: 2 * 365 * DAY, unit: "year", n: 2 },
  longestStep,
];

/** A time tick: Unix seconds and its label ("Mar 4", "14:00", "2025"). */
export interface TimeTick {
  at: number;
  label: string;
}

/**
 * At most `count` ticks between `start` and `end` (Unix seconds) on calendar boundaries in the
 * local time zone: whole minutes within an hour or so, whole hours within two days, midnights within two months, the first of a
 * month within two years, then new years; each labelled to suit its step.
 */
export function timeTicks(start: number, end: number, count: number): TimeTick[] {
  if (!(end > start) || count < 1) return [];
  const span = end - start;
  const step = timeSteps.find((candidate) => span / candidate.seconds <= count) ?? longestStep;
  const format = labelFormat(step.unit, span);
  const ticks: TimeTick[] = [];
  const cursor = alignedStart(new Date(start * 1000), step.unit, step.n);
  while (cursor.getTime() / 1000 <= end && ticks.length < count + 2) {
    const at = Math.round(cursor.getTime() / 1000);
    if (at >= start) ticks.push({ at, label: format.format(cursor) });
    advance(cursor, step.unit, step.n);
  }
  if (ticks.length === 0) {
    // A span within one minute: its two ends, to the second.
    const precise = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });
    return [start, end].map((at) => ({ at, label: precise.format(new Date(at * 1000)) }));
  }
  return ticks.slice(0, count);
}

/** The first boundary of `unit` x `n` at or before `date`, in local time. */
function alignedStart(date: Date, unit: string, n: number): Date {
  const d = new Date(date.getTime());
  d.setSeconds(0, 0);
  if (unit === "minute") {
    d.setMinutes(d.getMinutes() - (d.getMinutes() % n));
    return d;
  }
  d.setMinutes(0);
  if (unit === "hour") {
    d.setHours(d.getHours() - (d.getHours() % n));
    return d;
  }
  d.setHours(0);
  if (unit === "day") return d;
  d.setDate(1);
  if (unit === "month") {
    d.setMonth(d.getMonth() - (d.getMonth() % n));
    return d;
  }
  d.setMonth(0);
  d.setFullYear(d.getFullYear() - (d.getFullYear() % n));
  return d;
}

function advance(d: Date, unit: string, n: number): void {
  if (unit === "minute") d.setMinutes(d.getMinutes() + n);
  else if (unit === "hour") d.setHours(d.getHours() + n);
  else if (unit === "day") d.setDate(d.getDate() + n);
  else if (unit === "month") d.setMonth(d.getMonth() + n);
  else d.setFullYear(d.getFullYear() + n);
}

function labelFormat(unit: string, span: number): Intl.DateTimeFormat {
  if (unit === "minute" || unit === "hour") {
    return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
  }
  if (unit === "day") return new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
  if (unit === "month" && span <= 400 * DAY) {
    return new Intl.DateTimeFormat(undefined, { month: "short" });
  }
  if (unit === "month") {
    return new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric" });
  }
  return new Intl.DateTimeFormat(undefined, { year: "numeric" });
}
