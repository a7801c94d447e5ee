import { describe, expect, it } from "vitest";
import { DeadlineExceededError, withDeadline } from "./deadline.js";
import { ManualClock } from "./testing/manual-clock.js";

describe("withDeadline", () => {
  it("answers what the work answers before the deadline, and clears its timer", async () => {
    const clock = new ManualClock(1_000);
    const done = withDeadline(clock, 5_000, "refresh", async () => {
      await clock.advance(3_999);
      return "in time";
    });
    expect(await done).toBe("in time");
    expect(clock.pending()).toEqual([]);
  });

  it("gives up at the deadline, naming the hop, and aborts the work's signal", async () => {
    const clock = new ManualClock(1_000);
    let signal: AbortSignal | undefined;
    const late = withDeadline(clock, 5_000, "provider", (s) => {
      signal = s;
      return new Promise<never>(() => {});
    });
    const outcome = late.catch((error: unknown) => error);
    await clock.advance(4_000);
    const error = await outcome;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ hop: "provider" });
    expect(String(error)).toMatch(/timed out at provider \(.*\/internal\/auth\)/);
    expect(signal?.aborted).toBe(true);
  });

  it("does not start work whose deadline has passed", async () => {
    const clock = new ManualClock(1_000);
    let started = false;
    const late = withDeadline(clock, 1_000, "platform", async () => {
      started = true;
    });
    await expect(late).rejects.toMatchObject({ hop: "platform" });
    expect(started).toBe(false);
  });
});
