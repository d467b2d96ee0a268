import { fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import AboutSettings from "./AboutSettings.svelte";

afterEach(() => clearMocks());

const info = {
  name: "Crypto Balance",
  version: "0.9.1",
  data_dir: "/home/me/.local/share/com.cryptobalance.desktop",
  os: "linux",
};

describe("Settings → About", () => {
  it("shows the version and data folder the backend reports", async () => {
    mockIPC((command) => (command === "app_info" ? info : null));
    render(AboutSettings);
    expect(await screen.findByText("0.9.1")).toBeInTheDocument();
    expect(screen.getByText(info.data_dir)).toBeInTheDocument();
  });

  it("shows the backend's message when opening the folder fails", async () => {
    mockIPC((command) => {
      if (command === "app_info") return info;
      throw { code: "os_integration", message: "cannot open the folder: no file manager" };
    });
    render(AboutSettings);
    await fireEvent.click(await screen.findByRole("button", { name: /open/i }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("cannot open the folder: no file manager");
    expect(alert).toHaveAttribute("data-error-code", "os_integration");
  });

  it("shows a load failure instead of an endless spinner", async () => {
    mockIPC(() => {
      throw { code: "data_dir_unavailable", message: "cannot use data folder /x" };
    });
    render(AboutSettings);
    expect(await screen.findByRole("alert")).toHaveTextContent("cannot use data folder /x");
  });
});
