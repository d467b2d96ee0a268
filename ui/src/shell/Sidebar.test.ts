import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import Sidebar from "./Sidebar.svelte";

describe("the sidebar", () => {
  it("links every screen and marks the current one", () => {
    render(Sidebar, { current: "alerts" });
    const links = screen.getAllByRole("link");
    expect(links.map((a) => a.textContent?.trim())).toEqual([
      "Portfolio",
      "Holdings",
      "Gains",
      "Alerts",
      "Import/Export",
      "Settings",
    ]);
    expect(screen.getByRole("link", { name: "Alerts" })).toHaveAttribute("aria-current", "page");
    expect(screen.getByRole("link", { name: "Holdings" })).not.toHaveAttribute("aria-current");
    expect(screen.getByRole("link", { name: "Settings" })).toHaveAttribute("href", "#/settings");
  });
});
