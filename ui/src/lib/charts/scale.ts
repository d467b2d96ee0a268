// Linear mapping from data to pixels, and evenly spaced time labels. (d3-scale would do this,
// but it pulls in d3-color, whose prototype set-up fails under Tauri's freezePrototype.)

/** Maps [d0, d1] onto [r0, r1]; a flat domain maps to the middle. */
export function linear(
  [d0, d1]: readonly [number, number],
  [r0, r1]: readonly [number, number],
): (value: number) => number {
  const span = d1 - d0;
  return (value) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0));
}

/** `count` times spread evenly from `start` to `end` (both included). */
export function evenTicks(start: number, end: number, count: number): number[] {
  if (count < 2 || end <= start) return [start];
  const step = (end - start) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(start + i * step));
}

/** A label format that suits the span: times within two days, dates beyond. */
export function tickFormatter(spanSeconds: number): Intl.DateTimeFormat {
  if (spanSeconds <= 2 * 86_400) return new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
  if (spanSeconds <= 400 * 86_400) {
    return new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
  }
  return new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short" });
}
