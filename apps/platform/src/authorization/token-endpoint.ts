import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { authenticateClient } from "./client-auth.js";
import { exchangeCode } from "./code-grant.js";
import { openCors } from "./cors.js";
import { NO_STORE, OAuthError, oauthErrorResponse } from "./oauth-error.js";
import { exchangeRefreshToken } from "./refresh-grant.js";
import { readForm, required } from "./token-form.js";
import { tokenResponse } from "./tokens.js";

export const TOKEN_PATH = "/oauth/token";

/**
 * POST /oauth/token (RFC 6749 3.2, OAuth 2.1): the authorization_code grant (PKCE S256
 * required) and the refresh_token grant (rotating). Every answer is uncacheable; errors are
 * RFC 6749 5.2's, and invalid_client a 401.
 */
export function registerTokenEndpoint(app: Hono<AppEnv>) {
  app.use(TOKEN_PATH, openCors());
  app.post(TOKEN_PATH, async (c) => {
    const { database, vault, clients, mcpTokens, publicUrl } = c.var;
    try {
      const form = await readForm(c);
      const grantType = required(form, "grant_type");
      if (grantType !== "authorization_code" && grantType !== "refresh_token") {
        throw new OAuthError(
          "unsupported_grant_type",
          "grant_type: must be authorization_code or refresh_token",
        );
      }
      const client = await authenticateClient(c, form, clients);
      const now = c.var.now();
      const outcome =
        grantType === "authorization_code"
          ? await exchangeCode(
              database.db,
              {
                code: required(form, "code"),
                redirectUri: required(form, "redirect_uri"),
                codeVerifier: required(form, "code_verifier"),
                clientId: client.clientId,
                resource: form.get("resource"),
                publicUrl,
              },
              now,
            )
          : await exchangeRefreshToken(
              database.db,
              vault,
              {
                refreshToken: required(form, "refresh_token"),
                clientId: client.clientId,
                resource: form.get("resource"),
                scope: form.get("scope"),
                publicUrl,
              },
              now,
            );
      if ("error" in outcome) {
        // At once in this process; other processes' memories forget within their TTL.
        mcpTokens.forget(outcome.revoked);
        if (outcome.revoked.length > 0) {
          c.var.log.warn("a code or refresh token was used again: its family is revoked", {
            clientId: client.clientId,
            revoked: outcome.revoked.length,
          });
        }
        throw outcome.error;
      }
      return c.json(tokenResponse(outcome.pair, now), 200, NO_STORE);
    } catch (error) {
      if (error instanceof OAuthError) return oauthErrorResponse(c, error);
      throw error;
    }
  });
}
