// Ages for people, from seconds the backend counted (no clock arithmetic on money).

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(seconds: number): string {
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} days ago`;
}

// Made on first use, not at start-up: the first screen shows no dates.
let dateTime: Intl.DateTimeFormat | null = null;

/** A Unix time as a date and time in the user's locale: "Nov 25, 2026, 12:25 AM". */
export function formatDateTime(unixSeconds: number): string {
  dateTime ??= new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  return dateTime.format(new Date(unixSeconds * 1000));
}

/** Seconds since a Unix time, by this machine's clock. */
export function secondsSince(unixSeconds: number, nowMs: number = Date.now()): number {
  return Math.max(0, Math.floor(nowMs / 1000) - unixSeconds);
}

/** Today's date in the local time zone, as a date input writes it: "2026-11-30". */
export function localDate(nowMs: number = Date.now()): string {
  const now = new Date(nowMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The Unix second of a date input's day ("2024-03-01") at local noon, which stays on that day in
 * every time zone; `null` when it is not a date.
 */
export function localNoon(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const ms = new Date(`${date}T12:00:00`).getTime();
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** "2024-12-05" in UTC, the day a report's row or a daily point belongs to. */
export function utcDay(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}
