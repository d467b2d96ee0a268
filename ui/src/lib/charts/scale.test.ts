import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { linear, timeTicks, valueTicks } from "./scale";

describe("chart scales", () => {
  it("maps data onto pixels, upside down for y, and a flat series to the middle", () => {
    expect(linear([0, 10], [0, 100])(2.5)).toBe(25);
    expect(linear([0, 10], [200, 0])(10)).toBe(0);
    expect(linear([5, 5], [0, 100])(5)).toBe(50);
  });
});

describe("value ticks", () => {
  const texts = (low: number, high: number, count = 5) =>
    valueTicks(low, high, count).map((tick) => tick.text);

  it("are round numbers in steps of 1, 2 or 5 that cover the range", () => {
    expect(texts(33_593.67, 35_000)).toEqual(["34000", "34500", "35000"]);
    expect(texts(0, 100_000)).toEqual(["0", "50000", "100000"]);
    expect(texts(0, 100_000, 8)).toEqual(["0", "20000", "40000", "60000", "80000", "100000"]);
    expect(texts(61_234, 70_123)).toEqual(["62000", "64000", "66000", "68000", "70000"]);
  });

  it("write small steps exactly, never as float noise", () => {
    expect(texts(0.1, 0.9)).toEqual(["0.2", "0.4", "0.6", "0.8"]);
    expect(texts(0.0000081, 0.0000089)).toEqual([
      "0.0000082",
      "0.0000084",
      "0.0000086",
      "0.0000088",
    ]);
    expect(texts(-3, 3)).toEqual(["-2", "0", "2"]);
  });

  it("give a flat series a scale around its value", () => {
    const ticks = texts(500, 500);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks).toContain("500");
  });

  it("place each tick at its value", () => {
    for (const tick of valueTicks(12.5, 987.25, 6)) {
      expect(Number(tick.text)).toBe(tick.value);
    }
  });

  it("refuse nonsense instead of looping", () => {
    expect(valueTicks(Number.NaN, 1, 5)).toEqual([]);
    expect(valueTicks(0, Number.POSITIVE_INFINITY, 5)).toEqual([]);
  });
});

describe("time ticks", () => {
  beforeAll(() => {
    vi.stubEnv("TZ", "UTC");
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });
  const at = (iso: string) => Date.parse(iso) / 1000;
  const iso = (ticks: { at: number }[]) =>
    ticks.map((tick) => new Date(tick.at * 1000).toISOString().slice(0, 16));

  it("use whole hours within a day", () => {
    const ticks = timeTicks(at("2026-03-04T09:41:00Z"), at("2026-03-05T09:41:00Z"), 6);
    expect(iso(ticks)).toEqual([
      "2026-03-04T12:00",
      "2026-03-04T18:00",
      "2026-03-05T00:00",
      "2026-03-05T06:00",
    ]);
  });

  it("use midnights over a week and the first of the month over a year", () => {
    const week = timeTicks(at("2026-03-01T15:00:00Z"), at("2026-03-08T15:00:00Z"), 5);
    expect(iso(week)).toEqual(["2026-03-03T00:00", "2026-03-05T00:00", "2026-03-07T00:00"]);
    const year = timeTicks(at("2025-03-15T00:00:00Z"), at("2026-03-15T00:00:00Z"), 6);
    expect(iso(year)).toEqual([
      "2025-04-01T00:00",
      "2025-07-01T00:00",
      "2025-10-01T00:00",
      "2026-01-01T00:00",
    ]);
  });

  it("label each tick to suit its step", () => {
    const year = timeTicks(at("2025-03-15T00:00:00Z"), at("2026-03-15T00:00:00Z"), 6);
    expect(year.map((tick) => tick.label)).toEqual(["Apr", "Jul", "Oct", "Jan"]);
    const decade = timeTicks(at("2017-06-01T00:00:00Z"), at("2026-06-01T00:00:00Z"), 6);
    expect(decade.map((tick) => tick.label)).toEqual(["2018", "2020", "2022", "2024", "2026"]);
  });

  it("use whole minutes within an hour, and the two ends within a minute", () => {
    const hour = timeTicks(at("2026-03-04T09:41:20Z"), at("2026-03-04T10:20:00Z"), 4);
    expect(iso(hour)).toEqual(["2026-03-04T09:45", "2026-03-04T10:00", "2026-03-04T10:15"]);
    const seconds = timeTicks(at("2026-03-04T09:41:20Z"), at("2026-03-04T09:41:50Z"), 4);
    expect(seconds.map((tick) => tick.at)).toEqual([
      at("2026-03-04T09:41:20Z"),
      at("2026-03-04T09:41:50Z"),
    ]);
  });

  it("never give more than asked, nor any for an empty span", () => {
    const years = timeTicks(at("2020-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"), 3);
    expect(years.map((tick) => tick.label)).toEqual(["2020", "2025"]);
    expect(timeTicks(100, 100, 5)).toEqual([]);
  });
});
