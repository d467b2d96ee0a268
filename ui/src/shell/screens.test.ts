import { describe, expect, it } from "vitest";
import { hashFor, screenFromHash, screens } from "./screens";

describe("screens", () => {
  it("lists the six areas in navigation order", () => {
    expect(screens.map((s) => s.label)).toEqual([
      "Portfolio",
      "Holdings",
      "Gains",
      "Alerts",
      "Import/Export",
      "Settings",
    ]);
  });

  it("reads the screen from the hash and round-trips", () => {
    for (const { id } of screens) expect(screenFromHash(hashFor(id))).toBe(id);
  });

  it("falls back to the portfolio for empty or unknown hashes", () => {
    expect(screenFromHash("")).toBe("portfolio");
    expect(screenFromHash("#/nope")).toBe("portfolio");
    expect(screenFromHash("#")).toBe("portfolio");
  });
});
