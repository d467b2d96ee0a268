// Refresh intervals offered in Settings, and what one implies for CoinGecko's monthly budget.
import type { Plan } from "../../api";

export const refreshChoices = [60, 120, 300, 600, 900, 1800, 3600] as const;

/** "every 5 min", "every hour". */
export function describeInterval(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? "every hour" : `every ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `every ${seconds / 60} min`;
  return `every ${seconds} s`;
}

/** Credits a month each plan gives (the backend's Plan::monthly_credits). */
export const monthlyCredits: Record<Plan, number | null> = {
  public: null,
  demo: 10_000,
  pro: 100_000,
};

/** Refreshes in a 30-day month at `seconds` apart: each is at least one call. */
export function refreshesPerMonth(seconds: number): number {
  return Math.floor((30 * 86_400) / Math.max(1, seconds));
}
