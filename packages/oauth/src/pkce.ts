import { createHash, randomBytes } from "node:crypto";

/**
 * RFC 7636 PKCE. 32 random bytes in base64url make a 43-character verifier, the shortest the RFC
 * allows and the length it recommends.
 */
export function createCodeVerifier(): string {
  return randomBytes(32).toString("base64url");
}

/** The `S256` challenge: BASE64URL(SHA256(ASCII(verifier))), unpadded. */
export function codeChallengeS256(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}
