// The years the gains screen offers: every year with a disposal, newest first, and this year.

/** The UTC year of a Unix time. */
export function yearOf(unixSeconds: number): number {
  return new Date(unixSeconds * 1000).getUTCFullYear();
}

export function yearsWithDisposals(disposedAt: number[], nowMs: number = Date.now()): number[] {
  const years = new Set(disposedAt.map(yearOf));
  years.add(new Date(nowMs).getUTCFullYear());
  return [...years].sort((a, b) => b - a);
}

/** "2024-12-05" in UTC, the day a report's row belongs to. */
export function utcDay(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}
