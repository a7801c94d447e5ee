import { servers } from "@gumstack/db";
import { asc, eq } from "drizzle-orm";
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";

/** GET /api/servers: the caller's servers. */
export function registerServersList(app: Hono<AppEnv>) {
  app.get("/api/servers", requireSession(), async (c) => {
    const rows = await c.var.database.db
      .select({
        id: servers.id,
        name: servers.name,
        authType: servers.authType,
        createdAt: servers.createdAt,
      })
      .from(servers)
      .where(eq(servers.ownerId, c.var.session.user.id))
      .orderBy(asc(servers.name));
    return c.json({ servers: rows });
  });
}
