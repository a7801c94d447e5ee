import { mcpGrants, mcpTokens } from "@gumstack/db";
import { and, eq, isNull } from "drizzle-orm";
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { authenticateClient } from "./client-auth.js";
import { openCors } from "./cors.js";
import { NO_STORE, OAuthError, oauthErrorResponse } from "./oauth-error.js";
import { hashOf } from "./secrets.js";
import { readForm, required } from "./token-form.js";
import { revokeFamily } from "./tokens.js";

export const REVOKE_PATH = "/oauth/revoke";

/**
 * POST /oauth/revoke (RFC 7009): the client gives up a token. A refresh token takes its whole
 * family with it (the access tokens issued from it included); an access token goes alone. A
 * token we do not know is answered 200 as well (2.2): there is nothing to tell the client.
 * token_type_hint is not needed: both kinds are found by their hash.
 */
export function registerRevoke(app: Hono<AppEnv>) {
  app.use(REVOKE_PATH, openCors());
  app.post(REVOKE_PATH, async (c) => {
    const { database, clients, mcpTokens: verifier } = c.var;
    try {
      const form = await readForm(c);
      const token = required(form, "token");
      const client = await authenticateClient(c, form, clients);
      const [row] = await database.db
        .select({
          id: mcpTokens.id,
          kind: mcpTokens.kind,
          familyId: mcpTokens.familyId,
          hash: mcpTokens.hash,
          clientId: mcpGrants.clientId,
        })
        .from(mcpTokens)
        .innerJoin(mcpGrants, eq(mcpGrants.id, mcpTokens.grantId))
        .where(eq(mcpTokens.hash, hashOf(token)));
      if (row) {
        // RFC 7009 2.1: only the client it was issued to may revoke it.
        if (row.clientId !== client.clientId) {
          throw new OAuthError("invalid_request", "token: was issued to another client");
        }
        const now = c.var.now();
        if (row.kind === "refresh") {
          verifier.forget(await revokeFamily(database.db, row.familyId, now));
        } else {
          await database.db
            .update(mcpTokens)
            .set({ revokedAt: new Date(now) })
            .where(and(eq(mcpTokens.id, row.id), isNull(mcpTokens.revokedAt)));
          verifier.forget([row.hash]);
        }
      }
      return c.body(null, 200, NO_STORE);
    } catch (error) {
      if (error instanceof OAuthError) return oauthErrorResponse(c, error);
      throw error;
    }
  });
}
