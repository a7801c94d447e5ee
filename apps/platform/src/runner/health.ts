import { setTimeout as sleep } from "node:timers/promises";

// Short enough to notice a fresh listener quickly, long enough for a store still opening: a
// host listens before its database is open and holds early requests until it is.
const REQUEST_TIMEOUT_MS = 2_000;
const FIRST_PAUSE_MS = 25;
const MAX_PAUSE_MS = 500;

export type HealthOutcome =
  | { healthy: true }
  | { healthy: false; aborted: boolean; lastProblem: string };

/**
 * Polls `GET <origin>/healthz` until it answers 200, `timeoutMs` passes, or `signal` aborts (the
 * process exited, or the deployment is being stopped). Pauses double between attempts.
 */
export async function waitHealthy(
  origin: string,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<HealthOutcome> {
  const deadline = performance.now() + options.timeoutMs;
  let pause = FIRST_PAUSE_MS;
  let lastProblem = "no answer yet";
  while (!options.signal.aborted && performance.now() < deadline) {
    const left = deadline - performance.now();
    try {
      const response = await fetch(`${origin}/healthz`, {
        redirect: "manual",
        signal: AbortSignal.any([
          options.signal,
          // Whole milliseconds: a fraction is out of range for the timer.
          AbortSignal.timeout(Math.max(1, Math.ceil(Math.min(REQUEST_TIMEOUT_MS, left)))),
        ]),
      });
      await response.body?.cancel();
      if (response.status === 200) return { healthy: true };
      lastProblem = `/healthz answered ${response.status}`;
    } catch (error) {
      lastProblem = describe(error);
    }
    const rest = Math.min(pause, deadline - performance.now());
    if (rest > 0) await sleep(rest, undefined, { signal: options.signal }).catch(() => undefined);
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
  return { healthy: false, aborted: options.signal.aborted, lastProblem };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch() says "fetch failed" and keeps the reason (ECONNREFUSED…) in `cause`.
  const cause: unknown = error.cause;
  if (cause instanceof Error) return `${error.message}: ${cause.message}`;
  return error.message;
}
