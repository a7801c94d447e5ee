import { createHash } from "node:crypto";
import { pickNickname } from "../nickname.js";
import type { TokenResponse } from "../provider.js";
import { idTokenClaims } from "./id-token.js";

export interface TokenNote {
  /** From the ID token that came with the access token. */
  nickname?: string;
  /** Whether the server granted `openid`, so userinfo may name the account. */
  openid: boolean;
}

/** The broker names the account right after the exchange; older notes are of no use. */
const MAX_NOTES = 64;

/**
 * What an exchange's answer said about the account, for the getNickname call that follows it
 * with only the access token. Keyed by the token's SHA-256, so no token is kept; each note is
 * read once.
 */
export class TokenNotes {
  readonly #notes = new Map<string, TokenNote>();

  remember(tokens: TokenResponse, issuer: string, clientId: string): void {
    const note: TokenNote = { openid: tokens.scopes?.includes("openid") ?? false };
    const claims = idTokenClaims(tokens.raw.id_token, issuer, clientId);
    const nickname = claims === undefined ? undefined : pickNickname(claims);
    if (nickname !== undefined) note.nickname = nickname;
    this.#notes.set(keyOf(tokens.accessToken), note);
    for (const key of this.#notes.keys()) {
      if (this.#notes.size <= MAX_NOTES) break;
      this.#notes.delete(key);
    }
  }

  take(accessToken: string): TokenNote | undefined {
    const key = keyOf(accessToken);
    const note = this.#notes.get(key);
    this.#notes.delete(key);
    return note;
  }
}

function keyOf(accessToken: string): string {
  return createHash("sha256").update(accessToken).digest("base64url");
}
