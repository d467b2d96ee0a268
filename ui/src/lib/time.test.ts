import { describe, expect, it } from "vitest";
import { ago, localDate, localNoon, secondsSince } from "./time";

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

describe("dates a form asks for", () => {
  it("writes today as a date input does, and reads a day back at local noon", () => {
    const noon = localNoon("2024-03-01");
    expect(noon).not.toBeNull();
    const back = new Date((noon ?? 0) * 1000);
    expect([back.getFullYear(), back.getMonth(), back.getDate(), back.getHours()]).toEqual([
      2024, 2, 1, 12,
    ]);
    expect(localDate((noon ?? 0) * 1000)).toBe("2024-03-01");
  });

  it("refuses what is not a date", () => {
    expect(localNoon("")).toBeNull();
    expect(localNoon("01/03/2024")).toBeNull();
    expect(localNoon("2024-13-45")).toBeNull();
  });
});
