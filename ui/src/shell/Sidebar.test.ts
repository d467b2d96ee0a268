import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import Sidebar from "./Sidebar.svelte";
import { screens } from "./screens";

describe("the sidebar", () => {
  it("links every screen in navigation order and marks the current one", () => {
    render(Sidebar, { current: "alerts" });
    const links = screen.getAllByRole("link");
    expect(links.map((a) => a.textContent?.trim())).toEqual(screens.map((s) => s.label));
    expect(screen.getByRole("link", { name: "Alerts" })).toHaveAttribute("aria-current", "page");
    expect(screen.getByRole("link", { name: "Holdings" })).not.toHaveAttribute("aria-current");
    expect(screen.getByRole("link", { name: "Settings" })).toHaveAttribute("href", "#/settings");
  });
});
