import type { Limit } from "@gumstack/runtime";
import type { Context } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

const MINUTE = 60_000;

/**
 * How often each door may be knocked on. An account's sign-in failures lock it for the window
 * (a correct password then waits too: that is what stops guessing); a success clears them. The
 * per-address limits are wider, for a shared office address, and are not cleared by a success,
 * or an attacker could clear them with an account of their own.
 */
export const defaultLimits = {
  signInPerAccount: { what: "failed sign-ins for this account", hits: 10, windowMs: 15 * MINUTE },
  signInPerAddress: { what: "sign-in attempts from your address", hits: 50, windowMs: 15 * MINUTE },
  signUpPerAddress: { what: "sign-ups from your address", hits: 10, windowMs: 60 * MINUTE },
  passwordPerUser: { what: "password changes", hits: 10, windowMs: 15 * MINUTE },
  connectPerUser: { what: "connection attempts", hits: 30, windowMs: 10 * MINUTE },
  // Hosted connectors (claude.ai, ChatGPT) register from a few shared addresses, one client per
  // user and server: wide enough for them, and still a bound on filling mcp_clients.
  registerPerAddress: {
    what: "client registrations from your address",
    hits: 60,
    windowMs: 10 * MINUTE,
  },
} as const satisfies Record<string, Limit>;

export type Limits = Record<keyof typeof defaultLimits, Limit>;

/** Counts one attempt; past the limit, a 429 with `Retry-After` saying when to come back. */
export async function throttled(
  c: Context<AppEnv>,
  key: string,
  limit: keyof Limits,
): Promise<void> {
  const verdict = await c.var.throttle.hit(key, c.var.limits[limit]);
  if (verdict.allowed) return;
  const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
  throw new ApiError(
    "too_many_requests",
    `too many ${verdict.what}: try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
    { retryAfterSeconds: verdict.retryAfterSeconds },
  );
}
