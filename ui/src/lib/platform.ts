// The desktop the web view runs on, read from its user agent: only for what the engines do
// differently per platform (how fonts are found), never for behaviour.

export type Platform = "linux" | "mac" | "windows" | "other";

export function platformOf(userAgent: string): Platform {
  if (userAgent.includes("Windows")) return "windows";
  if (/Linux|X11|BSD/.test(userAgent)) return "linux";
  if (userAgent.includes("Mac OS X")) return "mac";
  return "other";
}

/** Marks the document with its platform (`data-platform`, read by app.css); call once at start. */
export function markPlatform(): void {
  document.documentElement.dataset.platform = platformOf(navigator.userAgent);
}
