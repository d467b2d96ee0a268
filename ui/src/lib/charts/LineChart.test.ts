import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import { formatAmount, formatMoney } from "../decimal";
import LineChart from "./LineChart.svelte";

afterEach(cleanup);

const day = 86_400;
const start = Date.UTC(2026, 2, 1) / 1000;

function chart(points: { at: number; value: string }[]) {
  return render(LineChart, {
    points,
    label: "Net worth",
    format: (value: string) => formatMoney(value, "usd", "en-US"),
    formatTick: (value: string) => formatAmount(value, "en-US"),
    unit: "USD",
  });
}

describe("the line chart", () => {
  const series = [
    { at: start, value: "61234.5" },
    { at: start + 10 * day, value: "70123.25" },
    { at: start + 20 * day, value: "66000" },
  ];

  it("has a value axis of round ticks in the base currency", () => {
    const { container } = chart(series);
    const ticks = [...container.querySelectorAll("[data-value-tick]")].map((t) => t.textContent);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const tick of ticks) expect(tick).toMatch(/^\d{2},\d{3}$/);
    expect(ticks).toContain("66,000");
    expect(screen.getByText("USD")).toBeInTheDocument();
  });

  it("has date ticks that fall on days", () => {
    const { container } = chart(series);
    const dates = [...container.querySelectorAll("[data-date-tick]")].map((t) => t.textContent);
    expect(dates.length).toBeGreaterThanOrEqual(2);
    for (const date of dates) expect(date).toMatch(/^[A-Z][a-z]{2} \d{1,2}$/);
  });

  it("reads out the exact value and the date under the pointer", async () => {
    chart(series);
    const svg = screen.getByRole("img", { name: /from 61,234.50 USD to 66,000.00 USD/ });
    await fireEvent.pointerMove(svg, { clientX: 0 });
    const readout = document.querySelector("[data-readout]");
    expect(readout).toHaveTextContent("61,234.50 USD");
    expect(readout).toHaveTextContent(/2026/);
    await fireEvent.pointerLeave(svg);
    expect(document.querySelector("[data-readout]")).toBeNull();
  });

  it("says honestly when there is nothing or only one point to draw", () => {
    chart([]);
    expect(screen.getByText(/No history yet/)).toBeInTheDocument();
    cleanup();
    chart([{ at: start, value: "1234.5" }]);
    expect(screen.getByText(/One point so far \(1,234.50 USD on/)).toBeInTheDocument();
    expect(screen.queryByRole("img")).toBeNull();
  });
});
