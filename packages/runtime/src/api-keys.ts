import { hash, randomBytes } from "node:crypto";
import { apiKeys, type Database, type Id, newId, users } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { TtlCache } from "./ttl-cache.js";

const PREFIX = "gsk_";
// last_used_at is for people reading a list; one write a minute per key is plenty.
const TOUCH_AFTER_MS = 60_000;

// The one-shot hash: every MCP request hashes its key, and a Hash object costs more than the hash.
const hashOf = (key: string) => hash("sha256", key, "hex");

/** A new key for a user: returned once, stored as its SHA-256 only. */
export async function issueApiKey(
  db: Database,
  userId: Id<"user">,
  name: string,
): Promise<{ id: Id<"apiKey">; key: string }> {
  const key = `${PREFIX}${encodeBase32LowerCaseNoPadding(randomBytes(20))}`;
  const id = newId("apiKey");
  await db
    .insert(apiKeys)
    .values({ id, userId, name, preview: key.slice(0, 10), hash: hashOf(key) });
  return { id, key };
}

export async function createUser(db: Database, name: string): Promise<Id<"user">> {
  const id = newId("user");
  await db.insert(users).values({ id, name });
  return id;
}

export interface ApiKeyVerifierOptions {
  /** How long a verified key is trusted from memory (default 2 s; 0 turns it off). */
  cacheTtlMs?: number;
  now?: () => number;
}

/**
 * Resolves `Authorization: Bearer gsk_…` to its user, or null for a missing, unknown or revoked
 * key. Every MCP request asks; a key verified in the last couple of seconds is trusted from
 * memory, so a revocation made elsewhere takes at most that long to reach a process that
 * served the key; the process that revokes it forgets it at once (forget).
 */
export class ApiKeyVerifier {
  private readonly verified = new TtlCache<string, Id<"user">>();
  private readonly cacheTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    options: ApiKeyVerifierOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  async verify(authorization: string | null | undefined): Promise<Id<"user"> | null> {
    const match = /^Bearer\s+(gsk_[a-z2-7]{32})\s*$/i.exec(authorization ?? "");
    if (!match?.[1]) return null;
    const keyHash = hashOf(match[1]);
    const now = this.now();
    const cached = this.verified.get(keyHash, now);
    if (cached) return cached;
    const [row] = await this.db
      .select({ id: apiKeys.id, userId: apiKeys.userId, lastUsedAt: apiKeys.lastUsedAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.hash, keyHash), isNull(apiKeys.revokedAt)));
    if (!row) return null;
    this.verified.set(keyHash, row.userId, this.cacheTtlMs, now);
    if (row.lastUsedAt === null || now - row.lastUsedAt.getTime() > TOUCH_AFTER_MS)
      this.touch(row.id, now);
    return row.userId;
  }

  /** Forgets a key this process revoked: the revocation takes effect here at once. */
  forget(hash: string): void {
    this.verified.delete(hash);
  }

  private touch(id: Id<"apiKey">, now: number): void {
    // Not awaited: the call need not wait for bookkeeping. A failure is logged, not hidden.
    this.db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(
        and(
          eq(apiKeys.id, id),
          or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now - TOUCH_AFTER_MS))),
        ),
      )
      .catch((error: unknown) =>
        this.log.warn("could not record an API key's last use", { error }),
      );
  }
}
