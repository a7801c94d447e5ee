import { createHash } from "node:crypto";
import { type Database, rateLimits } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import { eq, lt, sql } from "drizzle-orm";

/** How many attempts a key may make in a window. */
export interface Limit {
  /** Says what is limited, in a message: "sign-in attempts for this account". */
  what: string;
  hits: number;
  windowMs: number;
}

export type Verdict =
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number; what: string };

// Keys name accounts and addresses: the table keeps only their SHA-256.
const keyOf = (name: string) => createHash("sha256").update(name).digest("base64url");

// Expired rows count nothing; they are deleted now and then so the table stays small.
const SWEEP_EVERY_MS = 60_000;

/**
 * Attempt counting in fixed windows, in Postgres, so every platform instance counts the same
 * attempts: one `INSERT … ON CONFLICT DO UPDATE` per attempt, atomic under concurrency (100
 * simultaneous attempts are counted 1 to 100, so the ones past the limit are refused before any
 * of them costs a password hash). Times come from the caller's clock, as everywhere here.
 */
export class Throttle {
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** Counts one attempt of `key`; refused once it is past the limit, until the window ends. */
  async hit(name: string, limit: Limit): Promise<Verdict> {
    const key = keyOf(name);
    const now = this.now();
    const at = new Date(now).toISOString();
    const next = new Date(now + limit.windowMs).toISOString();
    const over = sql`${rateLimits.resetsAt} <= ${at}::timestamptz`;
    const [row] = await this.db
      .insert(rateLimits)
      .values({ key, hits: 1, resetsAt: new Date(next) })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          hits: sql`case when ${over} then 1 else ${rateLimits.hits} + 1 end`,
          resetsAt: sql`case when ${over} then ${next}::timestamptz else ${rateLimits.resetsAt} end`,
        },
      })
      .returning({ hits: rateLimits.hits, resetsAt: rateLimits.resetsAt });
    this.sweep(now);
    if (!row || row.hits <= limit.hits) return { allowed: true };
    const retryAfterSeconds = Math.max(1, Math.ceil((row.resetsAt.getTime() - now) / 1000));
    return { allowed: false, retryAfterSeconds, what: limit.what };
  }

  /** Forgets a key's attempts (a successful sign-in clears its account's failures). */
  async reset(name: string): Promise<void> {
    await this.db.delete(rateLimits).where(eq(rateLimits.key, keyOf(name)));
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    // Not awaited: an attempt need not wait for housekeeping. A failure is logged, not hidden.
    void this.db
      .delete(rateLimits)
      .where(lt(rateLimits.resetsAt, new Date(now)))
      .catch((error: unknown) => this.log.warn("could not sweep expired rate limits", { error }));
  }
}
