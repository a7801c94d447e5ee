import { createHash, randomBytes } from "node:crypto";

/*
 * The authorization server's opaque secrets: codes, access and refresh tokens. Each is 256
 * random bits behind a prefix that says what it is (and lets a secret scanner find a leaked one);
 * only its SHA-256 is stored, so a copy of the tables redeems nothing.
 */

export const CODE_PREFIX = "gsc_";
export const ACCESS_TOKEN_PREFIX = "gsa_";
export const REFRESH_TOKEN_PREFIX = "gsr_";
type Prefix = typeof CODE_PREFIX | typeof ACCESS_TOKEN_PREFIX | typeof REFRESH_TOKEN_PREFIX;

/** 32 bytes in base64url are 43 characters. */
const BODY = "[A-Za-z0-9_-]{43}";
/** What an access token looks like, for the gateway's check before any lookup. */
export const ACCESS_TOKEN_SHAPE = new RegExp(`^${ACCESS_TOKEN_PREFIX}${BODY}$`);

export function newSecret(prefix: Prefix): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

export const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");
