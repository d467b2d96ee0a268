// The years the gains screen offers: every year with a disposal, newest first, and this year.

/** `years` (each with a disposal, as the report lists them) and this year, newest first. */
export function offeredYears(years: number[], nowMs: number = Date.now()): number[] {
  const all = new Set(years);
  all.add(new Date(nowMs).getUTCFullYear());
  return [...all].sort((a, b) => b - a);
}
