import { describe, expect, it } from "vitest";
import { restartDelay } from "./backoff.js";

describe("restartDelay", () => {
  it("doubles with each crash in a row, up to the cap", () => {
    const backoff = { baseMs: 500, maxMs: 30_000 };
    expect([1, 2, 3, 4, 7, 8, 1_000].map((n) => restartDelay(n, backoff))).toEqual([
      500, 1_000, 2_000, 4_000, 30_000, 30_000, 30_000,
    ]);
  });
});
