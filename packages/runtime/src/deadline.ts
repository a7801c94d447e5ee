/**
 * Time as every hop of a request sees it: milliseconds since the epoch, and timers on the same
 * clock, so a test that moves the clock moves every deadline with it.
 */
export interface Clock {
  now(): number;
  /** Calls `fire` once the clock reaches `at`; returns what cancels it. */
  at(at: number, fire: () => void): () => void;
}

// setTimeout fires at once for anything longer (about 24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A clock on `now` (the system's by default), with the system's timers. */
export function clockOf(now: () => number = Date.now): Clock {
  return {
    now,
    at(at, fire) {
      if (!Number.isFinite(at)) return () => {};
      const timer = setTimeout(fire, Math.min(Math.max(0, at - now()), MAX_TIMER_MS));
      return () => clearTimeout(timer);
    },
  };
}

/** The hops of a credentials request, outermost first; each gives up before the one above it. */
export const hops = {
  platform: "the hosted server's request to the platform, /internal/credentials",
  refresh: "the platform's token refresh",
  provider: "the platform's call to the server's AuthProvider, /internal/auth",
} as const;

export type Hop = keyof typeof hops;

/** A hop ran out of time. Retryable: the next call starts with a deadline of its own. */
export class DeadlineExceededError extends Error {
  override readonly name = "DeadlineExceededError";
  constructor(
    readonly hop: Hop,
    options?: { cause?: unknown },
  ) {
    super(`timed out at ${hop} (${hops[hop]}); try again`, options);
  }
}

/**
 * The longest a tool's getCredentials() waits for its whole chain (the platform, a refresh, the
 * provider): longer than a refresh may take (the broker's 20 s), and within the request's own
 * context, which may live much longer (a tool that asked its user first).
 */
export const CREDENTIALS_WAIT_MS = 30_000;

/** Each hop gives up this long before the hop above it, so that its answer still arrives. */
export const HOP_MARGIN_MS = 1_000;

/**
 * Runs `work` until `deadline` on `clock`: past it, `work`'s signal aborts and the promise
 * rejects with DeadlineExceededError naming `hop`. An infinite deadline sets no timer.
 */
export function withDeadline<T>(
  clock: Clock,
  deadline: number,
  hop: Hop,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (clock.now() >= deadline) return Promise.reject(new DeadlineExceededError(hop));
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const cancel = clock.at(deadline, () => {
      const error = new DeadlineExceededError(hop);
      reject(error);
      controller.abort(error);
    });
    Promise.resolve()
      .then(() => work(controller.signal))
      .then(
        (value) => {
          cancel();
          resolve(value);
        },
        (error: unknown) => {
          cancel();
          reject(error);
        },
      );
  });
}
