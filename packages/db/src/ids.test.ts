import { describe, expect, it } from "vitest";
import { isId, newId } from "./ids.js";

describe("ids", () => {
  it("carry their kind and 128 random bits", () => {
    // Past several refills of the pool the random bytes are drawn from.
    const ids = new Set(Array.from({ length: 2000 }, () => newId("canary")));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(isId("canary", id)).toBe(true);
    expect(isId("canary", "vkc_short")).toBe(false);
  });
});
