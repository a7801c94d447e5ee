import { setTimeout as delay } from "node:timers/promises";

export interface BackoffOptions {
  /** First retry waits about this long; each later one doubles it. Default 250 ms. */
  baseMs?: number;
  /** No wait is longer than this. Default 4000 ms. */
  maxMs?: number;
}

/**
 * Exponential backoff with "equal jitter": half the delay fixed, half random, so clients that
 * failed together do not retry together, yet none retries immediately.
 */
export function backoffDelay(retry: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 250;
  const max = options.maxMs ?? 4000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Retry-After (RFC 9110 §10.2.3) as milliseconds: delay-seconds or an HTTP-date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form starts with a day name; Date.parse alone would read "-5" as a year.
  if (!/^[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits, but gives up as soon as the caller aborts, with the caller's reason. */
export async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}
