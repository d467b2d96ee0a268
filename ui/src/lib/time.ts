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
