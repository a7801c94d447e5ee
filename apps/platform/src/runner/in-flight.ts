import type { Lease } from "./types.js";

/**
 * The requests in flight on one deployment, and a bounded wait for there to be none. Open
 * streams (a session's GET) are leases too: at the drain's deadline every lease's `onCutOff`
 * listener runs, so that whoever holds one closes it rather than keep the old process forever.
 * Plain callbacks in a Set, not an AbortSignal: one is added and removed per relayed call, and
 * EventTarget's bookkeeping was a measurable share of the gateway's CPU.
 */
export class InFlight {
  private count = 0;
  private onIdle: (() => void) | undefined;
  private cut = false;
  private readonly cutListeners = new Set<() => void>();

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
      onCutOff: (listener: () => void) => {
        if (this.cut) {
          listener();
          return () => {};
        }
        this.cutListeners.add(listener);
        return () => this.cutListeners.delete(listener);
      },
      release: () => {
        if (released) return;
        released = true;
        this.count -= 1;
        if (this.count === 0) this.onIdle?.();
      },
    });
  }

  /** Tells every lease holder, now and later, to give its lease back at once (see `onCutOff`). */
  cutOff(): void {
    this.cut = true;
    const listeners = [...this.cutListeners];
    this.cutListeners.clear();
    for (const listener of listeners) listener();
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
