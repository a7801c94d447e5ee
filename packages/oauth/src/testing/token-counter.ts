import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";

export interface TokenRequestCounts {
  authorizationCode: number;
  refreshToken: number;
}

/**
 * Counts token-endpoint requests by grant_type, failed ones included: tests assert how often a
 * client refreshed, not how often it succeeded. Read after the route ran, when the body is parsed.
 */
export function countTokenRequests(provider: Provider): () => TokenRequestCounts {
  const counts: TokenRequestCounts = { authorizationCode: 0, refreshToken: 0 };
  provider.use<object, KoaContextWithOIDC>(async function countTokenRequest(ctx, next) {
    try {
      await next();
    } finally {
      const grantType = ctx.oidc?.route === "token" ? ctx.oidc.params?.grant_type : undefined;
      if (grantType === "authorization_code") counts.authorizationCode++;
      if (grantType === "refresh_token") counts.refreshToken++;
    }
  });
  return () => ({ ...counts });
}
