import type { Clock } from "../deadline.js";

// Long enough for what a fired timer sets off on loopback (an aborted fetch, the error answer
// it turns into) to finish before the next timer fires; the clock itself never waits.
const SETTLE_MS = 100;

/**
 * A clock that moves only when told to: a provider can "take 16 seconds" at once. Its timers
 * fire as `advance` passes their moment, earliest first, each let settle before the next, so
 * the hop that gives up first is seen to give up first.
 */
export class ManualClock implements Clock {
  private time: number;
  private timers: { at: number; fire: () => void }[] = [];

  constructor(start = Date.now()) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  at(at: number, fire: () => void): () => void {
    const timer = { at, fire };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** The moments of the timers still set, earliest first. */
  pending(): number[] {
    return this.timers.map((t) => t.at).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= until)
        .sort((a, b) => a.at - b.at)
        .at(0);
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fire();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
    this.time = until;
  }
}
