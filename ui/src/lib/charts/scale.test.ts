import { describe, expect, it } from "vitest";
import { evenTicks, linear } from "./scale";

describe("chart scales", () => {
  it("maps data onto pixels, upside down for y, and a flat series to the middle", () => {
    expect(linear([0, 10], [0, 100])(2.5)).toBe(25);
    expect(linear([0, 10], [200, 0])(10)).toBe(0);
    expect(linear([5, 5], [0, 100])(5)).toBe(50);
  });

  it("spreads labels evenly from the first point to the last", () => {
    expect(evenTicks(0, 100, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(evenTicks(10, 10, 4)).toEqual([10]);
  });
});
