import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache.js";

describe("TtlCache", () => {
  it("forgets an entry at its expiry", () => {
    const cache = new TtlCache<string, number>();
    cache.set("a", 1, 100, 0);
    expect(cache.get("a", 99)).toBe(1);
    expect(cache.get("a", 100)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("stores nothing with a TTL of zero, and drops deleted entries", () => {
    const cache = new TtlCache<string, number>();
    cache.set("a", 1, 0, 0);
    expect(cache.get("a", 0)).toBeUndefined();
    cache.set("b", 2, 100, 0);
    cache.delete("b");
    expect(cache.get("b", 1)).toBeUndefined();
  });

  it("keeps at most maxEntries, evicting the oldest", () => {
    const cache = new TtlCache<number, number>(3);
    for (let i = 0; i < 5; i++) cache.set(i, i, 1_000, 0);
    expect(cache.size).toBe(3);
    expect(cache.get(0, 1)).toBeUndefined();
    expect(cache.get(4, 1)).toBe(4);
  });
});
