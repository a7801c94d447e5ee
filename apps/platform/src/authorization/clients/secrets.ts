import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/*
 * A confidential client's secret: shown once, at registration, and kept as its SHA-256 only (the
 * secret is 256 random bits, so a plain hash is enough: nothing to guess, no need to stretch).
 */

/** Prefixed so a leaked one is recognised for what it is (secret scanners, logs). */
const SECRET_PREFIX = "mcs_";

export function newClientSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function hashClientSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Compares in constant time: how long the check takes says nothing of how close a guess was. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashClientSecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return stored.length === given.length && timingSafeEqual(given, stored);
}
