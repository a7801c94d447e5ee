import { describe, expect, it } from "vitest";
import { isId, newId } from "./ids.js";

describe("ids", () => {
  it("carry their kind and 128 random bits", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId("canary")));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isId("canary", id)).toBe(true);
    expect(isId("canary", "vkc_short")).toBe(false);
  });
});
