import type { Lease } from "./types.js";

/**
 * The requests in flight on one deployment, and a bounded wait for there to be none. Open
 * streams (a session's GET) are leases too: at the drain's deadline every lease's `cutOff`
 * fires, so that whoever holds one closes it rather than keep the old process forever.
 */
export class InFlight {
  private count = 0;
  private onIdle: (() => void) | undefined;
  private readonly deadline = new AbortController();

  get size(): number {
    return this.count;
  }

  /** Counts one more request until its lease is released (once, however often it is called). */
  lease(url: string, deploymentId: string): Lease {
    this.count += 1;
    let released = false;
    return Object.freeze({
      url,
      deploymentId,
      cutOff: this.deadline.signal,
      release: () => {
        if (released) return;
        released = true;
        this.count -= 1;
        if (this.count === 0) this.onIdle?.();
      },
    });
  }

  /** Tells every lease holder, now and later, to give its lease back at once (see `cutOff`). */
  cutOff(): void {
    this.deadline.abort();
  }

  /** True once no lease is out, false if `timeoutMs` passed first. One waiter at a time. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onIdle = undefined;
        resolve(false);
      }, timeoutMs);
      this.onIdle = () => {
        clearTimeout(timer);
        this.onIdle = undefined;
        resolve(true);
      };
    });
  }
}
