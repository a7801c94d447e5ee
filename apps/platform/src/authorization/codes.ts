import { type Database, type Id, mcpCodes, newId } from "@gumstack/db";
import { CODE_PREFIX, hashOf, newSecret } from "./secrets.js";

/** A code is redeemed by a client the moment it comes back: a minute is plenty (RFC 6749 4.1.2). */
export const CODE_TTL_MS = 60_000;

export interface CodeRequest {
  grantId: Id<"mcpGrant">;
  redirectUri: string;
  /** The S256 challenge of the authorization request. */
  codeChallenge: string;
  /** The server's MCP URL (resourceOf) the tokens will be for. */
  resource: string;
  scopes: readonly string[];
}

/** A new authorization code for a consented grant: returned once, stored as its SHA-256 only. */
export async function issueCode(db: Database, request: CodeRequest, now: number): Promise<string> {
  const code = newSecret(CODE_PREFIX);
  await db.insert(mcpCodes).values({
    id: newId("mcpCode"),
    codeHash: hashOf(code),
    grantId: request.grantId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    resource: request.resource,
    scopes: [...request.scopes],
    expiresAt: new Date(now + CODE_TTL_MS),
  });
  return code;
}
