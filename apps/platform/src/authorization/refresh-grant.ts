import { type Database, mcpGrants, mcpTokens } from "@gumstack/db";
import type { Vault } from "@gumstack/vault";
import { and, eq, isNotNull, isNull, lt } from "drizzle-orm";
import { sameResource } from "./code-grant.js";
import { OAuthError } from "./oauth-error.js";
import { hashOf } from "./secrets.js";
import { openSuccessor, sealSuccessor } from "./successor.js";
import { newPair, REFRESH_GRACE_MS, revokeFamily, storePair, type TokenPair } from "./tokens.js";

export interface RefreshExchange {
  refreshToken: string;
  /** The authenticated client's id. */
  clientId: string;
  resource: string | undefined;
  /** Space-separated, as sent; may narrow the token's scopes, never widen them. */
  scope: string | undefined;
  publicUrl: string;
}

type Outcome = { pair: TokenPair } | { error: OAuthError; revoked: string[] };

/**
 * grant_type=refresh_token, rotating: the token presented is marked rotated by a conditional
 * UPDATE, which also keeps the new pair sealed in `successor`, in the transaction that stores
 * that pair. Presented again within REFRESH_GRACE_MS (two threads or processes of one client
 * refreshing at once), it gets that same pair; later, it is a stolen token used again: the
 * family is revoked (RFC 9700 4.14.2).
 */
export async function exchangeRefreshToken(
  db: Database,
  vault: Vault,
  exchange: RefreshExchange,
  now: number,
): Promise<Outcome> {
  const hash = hashOf(exchange.refreshToken);
  const token = await lookUp(db, hash);
  if (!token || token.revokedAt !== null || token.expiresAt.getTime() <= now) {
    return {
      error: new OAuthError("invalid_grant", "refresh_token: unknown, expired or revoked"),
      revoked: [],
    };
  }
  if (token.clientId !== exchange.clientId) {
    return {
      error: new OAuthError("invalid_grant", "refresh_token: issued to another client"),
      revoked: [],
    };
  }
  if (
    exchange.resource !== undefined &&
    !sameResource(exchange.publicUrl, exchange.resource, token.resource)
  ) {
    return {
      error: new OAuthError("invalid_target", "resource: differs from the token's"),
      revoked: [],
    };
  }
  const scopes = narrowed(exchange.scope, token.scopes);
  if (scopes instanceof OAuthError) return { error: scopes, revoked: [] };
  if (token.rotatedAt === null) {
    const pair = newPair(scopes, now);
    const rotated = await db.transaction(async (tx) => {
      const [won] = await tx
        .update(mcpTokens)
        .set({ rotatedAt: new Date(now), successor: sealSuccessor(vault, token.id, pair) })
        .where(
          and(eq(mcpTokens.id, token.id), isNull(mcpTokens.rotatedAt), isNull(mcpTokens.revokedAt)),
        )
        .returning({ id: mcpTokens.id });
      if (!won) return false;
      await storePair(
        tx,
        pair,
        {
          grantId: token.grantId,
          familyId: token.familyId,
          resource: token.resource,
          scopes: token.scopes,
        },
        now,
      );
      // The family's earlier successors are past use: none stays sealed longer than needed.
      await tx
        .update(mcpTokens)
        .set({ successor: null })
        .where(
          and(
            eq(mcpTokens.familyId, token.familyId),
            isNotNull(mcpTokens.successor),
            lt(mcpTokens.rotatedAt, new Date(now - REFRESH_GRACE_MS)),
          ),
        );
      return true;
    });
    if (rotated) return { pair };
  }
  // Rotated already, by us a moment ago in another request, or long ago.
  const again = await lookUp(db, hash);
  if (!again || again.revokedAt !== null) {
    return { error: new OAuthError("invalid_grant", "refresh_token: revoked"), revoked: [] };
  }
  const rotatedAt = again.rotatedAt?.getTime();
  if (rotatedAt !== undefined && now - rotatedAt <= REFRESH_GRACE_MS && again.successor !== null) {
    return { pair: openSuccessor(vault, again.id, again.successor) };
  }
  return {
    error: new OAuthError(
      "invalid_grant",
      "refresh_token: already used; every token issued with it is revoked",
    ),
    revoked: await revokeFamily(db, again.familyId, now),
  };
}

async function lookUp(db: Database, hash: string) {
  const [row] = await db
    .select({
      id: mcpTokens.id,
      grantId: mcpTokens.grantId,
      familyId: mcpTokens.familyId,
      resource: mcpTokens.resource,
      scopes: mcpTokens.scopes,
      expiresAt: mcpTokens.expiresAt,
      rotatedAt: mcpTokens.rotatedAt,
      revokedAt: mcpTokens.revokedAt,
      successor: mcpTokens.successor,
      clientId: mcpGrants.clientId,
    })
    .from(mcpTokens)
    .innerJoin(mcpGrants, eq(mcpGrants.id, mcpTokens.grantId))
    .where(and(eq(mcpTokens.hash, hash), eq(mcpTokens.kind, "refresh")));
  return row;
}

/** RFC 6749 6: the scopes asked for, all of them among the token's; or all of the token's. */
function narrowed(asked: string | undefined, granted: readonly string[]): string[] | OAuthError {
  if (asked === undefined) return [...granted];
  const scopes = [...new Set(asked.split(" ").filter((s) => s !== ""))];
  const wider = scopes.find((s) => !granted.includes(s));
  if (wider !== undefined)
    return new OAuthError("invalid_scope", `scope: ${wider} was not granted`);
  if (scopes.length === 0) return new OAuthError("invalid_scope", "scope: names no scope");
  return scopes;
}
