import { describe, expect, it } from "vitest";
import { LruCache } from "./lru-cache.js";

describe("LruCache", () => {
  it("drops the least recently read entry when full", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1, 1_000, 0);
    cache.set("b", 2, 1_000, 0);
    expect(cache.get("a", 1)).toBe(1);
    cache.set("c", 3, 1_000, 2);
    expect(cache.size).toBe(2);
    expect(cache.get("b", 3)).toBeUndefined();
    expect(cache.get("a", 3)).toBe(1);
    expect(cache.get("c", 3)).toBe(3);
  });

  it("forgets an entry once its time has passed", () => {
    const cache = new LruCache<string, number>(10);
    cache.set("a", 1, 1_000, 0);
    expect(cache.get("a", 999)).toBe(1);
    expect(cache.get("a", 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set("b", 2, 0, 0);
    expect(cache.get("b", 0)).toBeUndefined();
  });
});
