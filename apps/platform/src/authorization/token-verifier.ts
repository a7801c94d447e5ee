import { type Database, type Id, mcpGrants, mcpTokens } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import { TtlCache } from "@gumstack/runtime";
import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { MCP_SCOPE, resourceOf, type TokenCaller } from "./contracts.js";
import { ACCESS_TOKEN_SHAPE, hashOf } from "./secrets.js";

// last_used_at is for people reading their connected apps; one write a minute per grant is plenty.
const TOUCH_AFTER_MS = 60_000;

interface Known {
  caller: TokenCaller;
  resource: string;
  expiresAt: number;
  cachedAt: number;
}

export interface TokenVerifierOptions {
  /** How long a verified token is trusted from memory (default 2 s; 0 turns it off). */
  cacheTtlMs?: number;
  now?: () => number;
}

/**
 * Resolves `Authorization: Bearer gsa_…` at the gateway to who it speaks for, or null: unknown,
 * expired, revoked, or for another server (its audience, RFC 8707, is one server's MCP URL). As
 * ApiKeyVerifier does for keys, a token verified in the last couple of seconds is trusted from
 * memory (no database work on the hot path); what this process revokes it forgets at once, and
 * other processes' revocations reach it within that TTL.
 */
export class TokenVerifier {
  private readonly verified = new TtlCache<string, Known>();
  /** Grants revoked here (consent withdrawn), kept as long as a cached token could outlive them. */
  private readonly forgottenGrants = new TtlCache<Id<"mcpGrant">, number>();
  private readonly cacheTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly publicUrl: string,
    options: TokenVerifierOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether the Authorization header carries one of our access tokens (to be checked here). */
  static carries(authorization: string | undefined): boolean {
    return /^Bearer\s+gsa_/i.test(authorization ?? "");
  }

  async verify(authorization: string | undefined, serverName: string): Promise<TokenCaller | null> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
    if (token === undefined || !ACCESS_TOKEN_SHAPE.test(token)) return null;
    const hash = hashOf(token);
    const now = this.now();
    const known = this.remembered(hash, now) ?? (await this.lookUp(hash, now));
    if (!known || known.expiresAt <= now) return null;
    return known.resource === resourceOf(this.publicUrl, serverName) ? known.caller : null;
  }

  /** Forgets tokens this process revoked: the revocation takes effect here at once. */
  forget(hashes: Iterable<string>): void {
    for (const hash of hashes) this.verified.delete(hash);
  }

  /** Forgets every token of a grant this process deleted (its tokens went with it). */
  forgetGrant(grantId: Id<"mcpGrant">): void {
    const now = this.now();
    this.forgottenGrants.set(grantId, now, this.cacheTtlMs, now);
  }

  private remembered(hash: string, now: number): Known | undefined {
    const known = this.verified.get(hash, now);
    if (!known) return undefined;
    const forgotten = this.forgottenGrants.get(known.caller.grantId, now);
    if (forgotten !== undefined && known.cachedAt <= forgotten) {
      this.verified.delete(hash);
      return undefined;
    }
    return known;
  }

  private async lookUp(hash: string, now: number): Promise<Known | undefined> {
    const [row] = await this.db
      .select({
        resource: mcpTokens.resource,
        scopes: mcpTokens.scopes,
        expiresAt: mcpTokens.expiresAt,
        grantId: mcpGrants.id,
        userId: mcpGrants.userId,
        serverId: mcpGrants.serverId,
        clientId: mcpGrants.clientId,
        lastUsedAt: mcpGrants.lastUsedAt,
      })
      .from(mcpTokens)
      .innerJoin(mcpGrants, eq(mcpGrants.id, mcpTokens.grantId))
      .where(
        and(
          eq(mcpTokens.hash, hash),
          eq(mcpTokens.kind, "access"),
          isNull(mcpTokens.revokedAt),
          gt(mcpTokens.expiresAt, new Date(now)),
        ),
      );
    if (!row?.scopes.includes(MCP_SCOPE)) return undefined;
    const known: Known = {
      caller: {
        userId: row.userId,
        serverId: row.serverId,
        grantId: row.grantId,
        clientId: row.clientId,
      },
      resource: row.resource,
      expiresAt: row.expiresAt.getTime(),
      cachedAt: now,
    };
    // Never trusted from memory past its expiry.
    this.verified.set(hash, known, Math.min(this.cacheTtlMs, known.expiresAt - now), now);
    if (row.lastUsedAt === null || now - row.lastUsedAt.getTime() > TOUCH_AFTER_MS)
      this.touch(row.grantId, now);
    return known;
  }

  private touch(id: Id<"mcpGrant">, now: number): void {
    // Not awaited: the call need not wait for bookkeeping. A failure is logged, not hidden.
    this.db
      .update(mcpGrants)
      .set({ lastUsedAt: new Date(now) })
      .where(
        and(
          eq(mcpGrants.id, id),
          or(
            isNull(mcpGrants.lastUsedAt),
            lt(mcpGrants.lastUsedAt, new Date(now - TOUCH_AFTER_MS)),
          ),
        ),
      )
      .catch((error: unknown) => this.log.warn("could not record a grant's last use", { error }));
  }
}
