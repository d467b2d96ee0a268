// Display preferences kept in this window's local storage: the theme and privacy mode. Neither is
// a secret nor data, so they live beside the UI rather than in the encrypted vault.

export type Theme = "system" | "light" | "dark";

const THEME_KEY = "crypto-balance.theme";
const PRIVACY_KEY = "crypto-balance.privacy";

function stored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled: fall back to defaults for this session
  }
}

function store(key: string, value: string) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Storage disabled: the choice holds until the window closes.
  }
}

function storedTheme(): Theme {
  const value = stored(THEME_KEY);
  return value === "light" || value === "dark" ? value : "system";
}

export const preferences = $state({
  theme: storedTheme(),
  /** Hides every amount and value until turned off. */
  privacy: stored(PRIVACY_KEY) === "on",
});

const darkScheme = () =>
  typeof window.matchMedia === "function"
    ? window.matchMedia("(prefers-color-scheme: dark)")
    : null;

/**
 * Applies the theme to the document as `data-theme="light|dark"` (read by app.css); "system"
 * follows the system's setting, also when it changes while the app runs.
 */
export function applyTheme(theme: Theme = preferences.theme) {
  const resolved = theme === "system" ? (darkScheme()?.matches ? "dark" : "light") : theme;
  document.documentElement.dataset.theme = resolved;
}

/** Keeps a "system" theme in step with the system; call once at start. */
export function followSystemTheme() {
  applyTheme();
  darkScheme()?.addEventListener("change", () => {
    if (preferences.theme === "system") applyTheme();
  });
}

export function setTheme(theme: Theme) {
  preferences.theme = theme;
  store(THEME_KEY, theme);
  applyTheme(theme);
}

export function setPrivacy(on: boolean) {
  preferences.privacy = on;
  store(PRIVACY_KEY, on ? "on" : "off");
}

/** The privacy shortcut: Ctrl+Shift+H (⌘⇧H on macOS). */
export function isPrivacyShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === "h";
}

export const PRIVACY_SHORTCUT_LABEL = "Ctrl+Shift+H";

/** What privacy mode shows instead of an amount or value. */
export const HIDDEN = "••••";

/** `text`, or the mask when privacy mode is on. */
export function privately(text: string): string {
  return preferences.privacy ? HIDDEN : text;
}
