import { type Database, type Id, mcpTokens, newId } from "@gumstack/db";
import { and, eq, isNull } from "drizzle-orm";
import { ACCESS_TOKEN_PREFIX, hashOf, newSecret, REFRESH_TOKEN_PREFIX } from "./secrets.js";

/** Short: a stolen access token is good for an hour at most, and revocation reaches it anyway. */
export const ACCESS_TOKEN_TTL_MS = 60 * 60_000;
/**
 * Thirty days, renewed by every refresh: MCP clients (desktop apps, hosted connectors) are used
 * in bursts with quiet weeks between, and a person should not have to consent again after a
 * holiday; a refresh token unused for a month is more likely a leftover than a client in use.
 */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60_000;
/**
 * How long a rotated refresh token presented again gets the pair it was exchanged for instead
 * of revoking the family: a client that refreshes from two threads (or two processes) at once
 * sends the same token twice within milliseconds; ten seconds covers a slow network as well,
 * and is too short to be of use to someone who stole the token and waited for it to be rotated.
 */
export const REFRESH_GRACE_MS = 10_000;

/** What the token endpoint answers with (RFC 6749 5.1), and what `successor` keeps sealed. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Milliseconds since the epoch, for expires_in. */
  accessExpiresAt: number;
  scopes: string[];
}

/** What a new pair is issued under: one grant, one family (the code it descends from). */
export interface PairScope {
  grantId: Id<"mcpGrant">;
  familyId: Id<"mcpCode">;
  resource: string;
  /**
   * The refresh token's: those of the one it replaces (RFC 6749 6), even when the access token
   * was asked for fewer (`pair.scopes`).
   */
  scopes: readonly string[];
}

type Writer = Pick<Database, "insert">;

export function newPair(scopes: readonly string[], now: number): TokenPair {
  return {
    accessToken: newSecret(ACCESS_TOKEN_PREFIX),
    refreshToken: newSecret(REFRESH_TOKEN_PREFIX),
    accessExpiresAt: now + ACCESS_TOKEN_TTL_MS,
    scopes: [...scopes],
  };
}

/** Stores a pair (as SHA-256 only) in `db`, which is the transaction that decided to issue it. */
export async function storePair(
  db: Writer,
  pair: TokenPair,
  scope: PairScope,
  now: number,
): Promise<void> {
  const common = { grantId: scope.grantId, familyId: scope.familyId, resource: scope.resource };
  await db.insert(mcpTokens).values([
    {
      ...common,
      id: newId("mcpToken"),
      hash: hashOf(pair.accessToken),
      kind: "access",
      scopes: pair.scopes,
      expiresAt: new Date(pair.accessExpiresAt),
    },
    {
      ...common,
      id: newId("mcpToken"),
      hash: hashOf(pair.refreshToken),
      kind: "refresh",
      scopes: [...scope.scopes],
      expiresAt: new Date(now + REFRESH_TOKEN_TTL_MS),
    },
  ]);
}

/** The body of a token response. */
export function tokenResponse(pair: TokenPair, now: number) {
  return {
    access_token: pair.accessToken,
    token_type: "Bearer",
    expires_in: Math.max(0, Math.floor((pair.accessExpiresAt - now) / 1000)),
    refresh_token: pair.refreshToken,
    scope: pair.scopes.join(" "),
  };
}

/**
 * Revokes every token of a family still live: a replayed code or a rotated refresh token used
 * again means someone else holds one of them. Returns their hashes, for the verifier to forget.
 */
export async function revokeFamily(
  db: Database,
  familyId: Id<"mcpCode">,
  now: number,
): Promise<string[]> {
  const revoked = await db
    .update(mcpTokens)
    .set({ revokedAt: new Date(now), successor: null })
    .where(and(eq(mcpTokens.familyId, familyId), isNull(mcpTokens.revokedAt)))
    .returning({ hash: mcpTokens.hash });
  return revoked.map((row) => row.hash);
}
