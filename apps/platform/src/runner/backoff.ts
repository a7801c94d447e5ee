import type { RestartBackoff } from "./types.js";

/** The wait before restarting after the `crashesInARow`-th crash in a row: doubling, capped. */
export function restartDelay(crashesInARow: number, backoff: RestartBackoff): number {
  const doublings = Math.min(Math.max(crashesInARow - 1, 0), 30);
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** doublings);
}
