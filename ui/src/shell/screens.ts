// The app's screens, in navigation order. The location hash (`#/holdings`) names the current one,
// so a reload keeps the user where they were.

export const screens = [
  { id: "portfolio", label: "Portfolio" },
  { id: "holdings", label: "Holdings" },
  { id: "gains", label: "Gains" },
  { id: "alerts", label: "Alerts" },
  { id: "transfer", label: "Import/Export" },
  { id: "settings", label: "Settings" },
] as const;

export type ScreenId = (typeof screens)[number]["id"];

export const defaultScreen: ScreenId = "portfolio";

/** The screen a location hash names, or the default for anything else. */
export function screenFromHash(hash: string): ScreenId {
  const id = hash.replace(/^#\/?/, "");
  return screens.find((screen) => screen.id === id)?.id ?? defaultScreen;
}

export function hashFor(id: ScreenId): string {
  return `#/${id}`;
}
