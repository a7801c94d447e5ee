import type { Lease } from "./types.js";

/** The requests in flight on one deployment, and a bounded wait for there to be none. */
export class InFlight {
  private count = 0;
  private onIdle: (() => void) | undefined;

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
      release: () => {
        if (released) return;
        released = true;
        this.count -= 1;
        if (this.count === 0) this.onIdle?.();
      },
    });
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
