import { apiKeys, isId } from "@gumstack/db";
import { and, eq, isNull } from "drizzle-orm";
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";

/** DELETE /api/keys/:id: revokes one of the caller's keys; anyone else's is not found. */
export function registerApiKeysRevoke(app: Hono<AppEnv>) {
  app.delete("/api/keys/:id", requireSession(), async (c) => {
    const id = c.req.param("id");
    if (!isId("apiKey", id)) throw new ApiError("not_found", `no key ${id}`);
    const [revoked] = await c.var.database.db
      .update(apiKeys)
      .set({ revokedAt: new Date(c.var.now()) })
      .where(
        and(
          eq(apiKeys.id, id),
          eq(apiKeys.userId, c.var.session.user.id),
          isNull(apiKeys.revokedAt),
        ),
      )
      .returning({ id: apiKeys.id, hash: apiKeys.hash });
    if (!revoked) throw new ApiError("not_found", `no active key ${id} of yours`);
    // At once in this process; other instances see it within their cache's TTL (2 s).
    c.var.apiKeys.forget(revoked.hash);
    return c.body(null, 204);
  });
}
