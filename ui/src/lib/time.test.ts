import { describe, expect, it } from "vitest";
import { ago, secondsSince } from "./time";

describe("ages", () => {
  it("reads like a person would say it", () => {
    expect(ago(5)).toBe("just now");
    expect(ago(300)).toBe("5 min ago");
    expect(ago(3 * 3600)).toBe("3 h ago");
    expect(ago(5 * 86400)).toBe("5 days ago");
  });

  it("never goes negative when clocks disagree", () => {
    expect(secondsSince(1_000, 999_000)).toBe(0);
    expect(secondsSince(1_000, 1_060_000)).toBe(60);
  });
});
