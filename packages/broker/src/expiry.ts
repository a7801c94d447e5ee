import type { AuthProvider, TokenResponse } from "@gumstack/oauth";

const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * When a token stops working. A provider that states no expiry gets its declared default (or an
 * hour) whenever the token can be refreshed, so a refreshable token never has an unknown expiry.
 * A token with no expiry and no refresh token (Notion's, say) is taken to last: null.
 */
export function expiryOf(tokens: TokenResponse, provider: AuthProvider, now: number): Date | null {
  if (tokens.expiresAt) return tokens.expiresAt;
  if (tokens.expiresIn !== undefined) return new Date(now + tokens.expiresIn * 1000);
  if (tokens.refreshToken === undefined) return null;
  return new Date(now + (provider.defaultTokenLifetime ?? DEFAULT_LIFETIME_SECONDS) * 1000);
}
