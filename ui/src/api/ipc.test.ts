import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { appInfo, openDataDir } from "./app";
import { AppError, toAppError } from "./ipc";

afterEach(() => clearMocks());

describe("the IPC gateway", () => {
  it("returns what the command returns", async () => {
    mockIPC((command) => {
      if (command === "app_info") {
        return { name: "Crypto Balance", version: "1.2.3", data_dir: "/d", os: "linux" };
      }
      throw new Error(`unexpected ${command}`);
    });
    await expect(appInfo()).resolves.toEqual({
      name: "Crypto Balance",
      version: "1.2.3",
      data_dir: "/d",
      os: "linux",
    });
  });

  it("turns a { code, message } rejection into an AppError with that code", async () => {
    mockIPC(() => {
      throw { code: "os_integration", message: "cannot open /d in a file manager" };
    });
    const error = await openDataDir().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "os_integration",
      message: "cannot open /d in a file manager",
    });
  });

  it("treats Tauri's own string rejections as internal errors", () => {
    const error = toAppError("app_info not allowed by ACL");
    expect(error.code).toBe("internal");
    expect(error.message).toBe("app_info not allowed by ACL");
  });

  it("never loses a rejection, whatever its shape", () => {
    expect(toAppError(undefined).code).toBe("internal");
    expect(toAppError(new TypeError("boom")).message).toBe("boom");
    const original = new AppError("data_dir_unavailable", "x");
    expect(toAppError(original)).toBe(original);
  });
});
