import { envVars, servers } from "@gumstack/db";
import { and, eq, sql } from "drizzle-orm";
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";

/** DELETE /api/servers/:server/env/:name. */
export function registerEnvDelete(app: Hono<AppEnv>) {
  app.delete("/api/servers/:server/env/:name", requireSession(), async (c) => {
    const server = await ownedServer(c);
    const name = c.req.param("name");
    const deleted = await c.var.database.db.transaction(async (tx) => {
      const rows = await tx
        .delete(envVars)
        .where(and(eq(envVars.serverId, server.id), eq(envVars.name, name)))
        .returning({ id: envVars.id });
      if (rows.length > 0) {
        await tx
          .update(servers)
          .set({ envVersion: sql`${servers.envVersion} + 1` })
          .where(eq(servers.id, server.id));
      }
      return rows.length;
    });
    if (deleted === 0) throw new ApiError("not_found", `${server.name} has no variable ${name}`);
    return c.body(null, 204);
  });
}
