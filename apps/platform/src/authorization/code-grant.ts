import { type Database, mcpCodes, mcpGrants } from "@gumstack/db";
import { and, eq, isNull } from "drizzle-orm";
import { serverNameOfResource } from "./contracts.js";
import { OAuthError } from "./oauth-error.js";
import { isCodeVerifier, verifierMatches } from "./pkce.js";
import { hashOf } from "./secrets.js";
import { newPair, revokeFamily, storePair, type TokenPair } from "./tokens.js";

export interface CodeExchange {
  code: string;
  redirectUri: string;
  codeVerifier: string;
  /** The authenticated client's id. */
  clientId: string;
  resource: string | undefined;
  publicUrl: string;
}

/**
 * grant_type=authorization_code. The code is marked used by a conditional UPDATE in the same
 * transaction that stores the pair: of two redemptions at once (two processes), the second waits
 * for the first to commit and then sees it used. A failed check still spends the code, so a
 * verifier cannot be guessed at. A code used twice revokes all it issued (RFC 6749 4.1.2).
 * Returns the pair, and the hashes of tokens revoked when it is a replay (for the verifier).
 */
export async function exchangeCode(
  db: Database,
  exchange: CodeExchange,
  now: number,
): Promise<{ pair: TokenPair } | { error: OAuthError; revoked: string[] }> {
  if (!isCodeVerifier(exchange.codeVerifier)) {
    // Before the code is spent: a malformed request is the client's bug, not an attack.
    return {
      error: new OAuthError(
        "invalid_request",
        "code_verifier: must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)",
      ),
      revoked: [],
    };
  }
  const hash = hashOf(exchange.code);
  const outcome = await db.transaction(async (tx) => {
    const [code] = await tx
      .update(mcpCodes)
      .set({ usedAt: new Date(now) })
      .where(and(eq(mcpCodes.codeHash, hash), isNull(mcpCodes.usedAt)))
      .returning();
    if (!code) return { spent: true as const };
    const [grant] = await tx
      .select({ clientId: mcpGrants.clientId })
      .from(mcpGrants)
      .where(eq(mcpGrants.id, code.grantId));
    const problem = codeProblem(exchange, { ...code, clientId: grant?.clientId }, now);
    if (problem) return { error: problem };
    const pair = newPair(code.scopes, now);
    await storePair(
      tx,
      pair,
      { grantId: code.grantId, familyId: code.id, resource: code.resource, scopes: code.scopes },
      now,
    );
    return { pair };
  });
  if ("pair" in outcome) return { pair: outcome.pair };
  if ("error" in outcome) return { error: outcome.error, revoked: [] };
  const [used] = await db
    .select({ id: mcpCodes.id })
    .from(mcpCodes)
    .where(eq(mcpCodes.codeHash, hash));
  if (!used) {
    return { error: new OAuthError("invalid_grant", "code: unknown or expired"), revoked: [] };
  }
  return {
    error: new OAuthError(
      "invalid_grant",
      "code: already used; what it was exchanged for is revoked",
    ),
    revoked: await revokeFamily(db, used.id, now),
  };
}

function codeProblem(
  exchange: CodeExchange,
  code: {
    clientId: string | undefined;
    redirectUri: string;
    codeChallenge: string;
    resource: string;
    expiresAt: Date;
  },
  now: number,
): OAuthError | undefined {
  if (code.expiresAt.getTime() <= now) return new OAuthError("invalid_grant", "code: expired");
  if (code.clientId !== exchange.clientId) {
    return new OAuthError("invalid_grant", "client_id: the code was issued to another client");
  }
  if (code.redirectUri !== exchange.redirectUri) {
    return new OAuthError(
      "invalid_grant",
      "redirect_uri: differs from the authorization request's",
    );
  }
  if (!verifierMatches(exchange.codeVerifier, code.codeChallenge)) {
    return new OAuthError("invalid_grant", "code_verifier: does not match the code_challenge");
  }
  if (
    exchange.resource !== undefined &&
    !sameResource(exchange.publicUrl, exchange.resource, code.resource)
  ) {
    return new OAuthError("invalid_target", "resource: differs from the authorization request's");
  }
  return undefined;
}

/** Both name the same server of ours (a trailing slash aside). */
export function sameResource(publicUrl: string, given: string, stored: string): boolean {
  const name = serverNameOfResource(publicUrl, given);
  return name !== undefined && name === serverNameOfResource(publicUrl, stored);
}
