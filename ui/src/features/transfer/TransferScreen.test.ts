import { cleanup, fireEvent, render, screen, within } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { ImportReport } from "../../api";
import { dismissUndo } from "../../lib/undo.svelte";
import TransferScreen from "./TransferScreen.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
  dismissUndo();
});

function report(overrides: Partial<ImportReport> = {}): ImportReport {
  return {
    format: "binance",
    rows: 3,
    imported: 0,
    duplicates: 0,
    skipped: [{ line: 4, reason: "a Transfer Between Main and Funding Wallet moves nothing" }],
    skipped_count: 1,
    assets: {},
    coin_labels: { "ace-2": "ACE (ACE)", fusionist: "Fusionist (ACE)" },
    unresolved: [
      { symbol: "ACE", candidates: ["ace-2", "fusionist"], waiting: 2, waiting_lines: [2, 3] },
    ],
    resolved: [],
    batch_id: null,
    dry_run: true,
    notes: ["Times are read as UTC+8, from the file's name."],
    ...overrides,
  };
}

describe("the import wizard", () => {
  it("previews, asks which coin an unknown symbol is, imports with progress and undoes", async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC(
      (command, args) => {
        calls.push([command, args]);
        if (command === "preview_import") {
          const { choices } = args as { choices: { maps: Record<string, string> } };
          return Object.keys(choices.maps).length === 0
            ? report()
            : report({
                unresolved: [],
                imported: 2,
                assets: { fusionist: "1234.5" },
                coin_labels: { fusionist: "Fusionist (ACE)" },
              });
        }
        if (command === "import_csv") {
          return report({ unresolved: [], imported: 2, batch_id: 9, dry_run: false });
        }
        if (command === "undo_change") return null;
        if (command === "search_coins") return [];
        throw `${command} not mocked`;
      },
      { shouldMockEvents: true },
    );
    render(TransferScreen);
    await fireEvent.input(screen.getByLabelText("Path of the file to import"), {
      target: { value: "/tmp/Binance (UTC+8).csv" },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Preview" }));

    const preview = await screen.findByText("Binance transaction history");
    expect(preview).toBeInTheDocument();
    expect(screen.getByText("Times are read as UTC+8, from the file's name.")).toBeInTheDocument();
    expect(screen.getByText(/Line 4: a Transfer Between/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Import 0 entries/ })).toBeDisabled();
    expect(screen.getByText("2 entries wait on it (lines 2, 3)")).toBeInTheDocument();

    const ace = screen.getByText("ACE").closest<HTMLElement>("[data-symbol]");
    if (!ace) throw new Error("no ACE block");
    await fireEvent.click(within(ace).getByRole("button", { name: "Fusionist (ACE)" }));
    await fireEvent.click(screen.getByRole("button", { name: "Preview with these answers" }));
    const importButton = await screen.findByRole("button", { name: "Import 2 entries" });
    expect(calls.at(-1)).toEqual([
      "preview_import",
      { path: "/tmp/Binance (UTC+8).csv", choices: { maps: { ACE: "fusionist" } } },
    ]);
    // The net change names the coin (never its id) and writes the amount in the number format.
    expect(screen.getByText("Fusionist (ACE)")).toBeInTheDocument();
    expect(screen.getByText("1,234.5")).toBeInTheDocument();

    await fireEvent.click(importButton);
    await emit("import-progress", {
      phase: "importing",
      bytes_done: 50,
      bytes_total: 100,
      rows: 2,
    });
    expect(await screen.findByText(/Imported/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole("button", { name: "Undo this import" }));
    expect(await screen.findByText(/The import was undone/)).toBeInTheDocument();
    expect(calls).toContainEqual(["undo_change", { batchId: 9 }]);
  });

  it("shows the backend's error for a file it cannot read and stays on the first step", async () => {
    mockIPC(
      () => {
        throw {
          code: "invalid_input",
          message: "/tmp/x.csv: no known layout in the first 20 lines",
        };
      },
      { shouldMockEvents: true },
    );
    render(TransferScreen);
    await fireEvent.input(screen.getByLabelText("Path of the file to import"), {
      target: { value: "/tmp/x.csv" },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("no known layout");
    expect(screen.getByRole("button", { name: "Choose file…" })).toBeInTheDocument();
  });
});
