import type { Vault } from "@gumstack/vault";
import type { TokenPair } from "./tokens.js";

/*
 * A rotated refresh token keeps the pair it was exchanged for, sealed by the vault (bound to its
 * row), for the grace window in which the same refresh repeated gets that pair again.
 */

const successorLocation = (tokenId: string) => ({
  table: "mcp_tokens",
  id: tokenId,
  field: "successor",
});

export const sealSuccessor = (vault: Vault, tokenId: string, pair: TokenPair) =>
  vault.encrypt(JSON.stringify(pair), successorLocation(tokenId));

/** The pair a refresh token was rotated to; throws if the envelope is not one we sealed there. */
export function openSuccessor(vault: Vault, tokenId: string, sealed: string): TokenPair {
  const value: unknown = JSON.parse(vault.decrypt(sealed, successorLocation(tokenId)));
  if (
    typeof value === "object" &&
    value !== null &&
    "accessToken" in value &&
    typeof value.accessToken === "string" &&
    "refreshToken" in value &&
    typeof value.refreshToken === "string" &&
    "accessExpiresAt" in value &&
    typeof value.accessExpiresAt === "number" &&
    "scopes" in value &&
    Array.isArray(value.scopes) &&
    value.scopes.every((s: unknown) => typeof s === "string")
  ) {
    return {
      accessToken: value.accessToken,
      refreshToken: value.refreshToken,
      accessExpiresAt: value.accessExpiresAt,
      scopes: value.scopes as string[],
    };
  }
  throw new Error(`the successor of ${tokenId} is not a token pair`);
}
