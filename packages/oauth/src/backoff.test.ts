import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter, sleep } from "./backoff.js";

describe("backoffDelay", () => {
  it("doubles per retry, jittered within the upper half, and stays under the cap", () => {
    for (let i = 0; i < 50; i++) {
      const first = backoffDelay(1, { baseMs: 100, maxMs: 1000 });
      const third = backoffDelay(3, { baseMs: 100, maxMs: 1000 });
      const tenth = backoffDelay(10, { baseMs: 100, maxMs: 1000 });
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      expect(third).toBeGreaterThanOrEqual(200);
      expect(third).toBeLessThanOrEqual(400);
      expect(tenth).toBeLessThanOrEqual(1000);
    }
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP-dates", () => {
    expect(parseRetryAfter("7")).toBe(7000);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("-5")).toBeUndefined();
  });
});

describe("sleep", () => {
  it("ends early with the caller's abort reason", async () => {
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
  });
});
