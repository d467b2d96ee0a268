import { describe, expect, it } from "vitest";
import { strength } from "./strength";

describe("passphrase strength", () => {
  it("grows with length and variety, and sees through repeats", () => {
    expect(strength("abc", 8)).toBe("too short");
    expect(strength("aaaaaaaaaaaa", 8)).toBe("weak");
    expect(strength("password", 8)).toBe("weak");
    expect(strength("abcd1234", 8)).toBe("weak");
    expect(strength("sunflower7", 8)).toBe("fair");
    expect(strength("Tr0ub4dor&3", 8)).toBe("strong");
    expect(strength("correct horse battery staple", 8)).toBe("very strong");
  });
});
