import { createHash, timingSafeEqual } from "node:crypto";

/** RFC 7636 4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export const isCodeVerifier = (value: string) => VERIFIER.test(value);

/** Whether `verifier` is the one behind an S256 `challenge` (the only method we take). */
export function verifierMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash("sha256").update(verifier).digest("base64url"));
  const given = Buffer.from(challenge);
  return computed.length === given.length && timingSafeEqual(computed, given);
}
