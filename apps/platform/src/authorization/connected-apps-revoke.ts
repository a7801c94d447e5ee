import type { Id } from "@gumstack/db";
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { revokeGrant } from "./grants.js";

/**
 * DELETE /api/connected-apps/:grantId: takes a client's access to a server away, its tokens
 * with it; anyone else's grant is not found.
 */
export function registerConnectedAppsRevoke(app: Hono<AppEnv>) {
  app.delete("/api/connected-apps/:grantId", requireSession(), async (c) => {
    const id = c.req.param("grantId");
    if (!(await revokeGrant(c.var.database.db, c.var.session.user.id, id)))
      throw new ApiError("not_found", `grantId: no connected app ${id} of yours`);
    // Its tokens went with it; this process stops trusting them from memory at once too.
    c.var.mcpTokens.forgetGrant(id as Id<"mcpGrant">);
    return c.body(null, 204);
  });
}
