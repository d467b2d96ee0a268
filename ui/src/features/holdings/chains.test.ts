import { describe, expect, it } from "vitest";
import { chainList, gapLimit } from "./chains";

describe("wallet form values", () => {
  it("takes a gap limit from 1 to 1,000 as typed, and nothing else", () => {
    expect(gapLimit(" 20 ")).toBe(20);
    expect(gapLimit("1")).toBe(1);
    expect(gapLimit("1000")).toBe(1000);
    for (const refused of ["0", "1001", "", "2.5", "-3", "twenty"]) {
      expect(gapLimit(refused)).toBeNull();
    }
  });

  it("lists ticked chains in the backend's order", () => {
    expect(chainList(["base", "ethereum"])).toEqual(["ethereum", "base"]);
  });
});
