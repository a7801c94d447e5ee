import { servers } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";

/**
 * DELETE /api/servers/:server: the owner removes a server. Its processes stop first (what is in
 * flight drains), then its row goes with everything that hangs off it: variables, users' saved
 * values and connections, deployments, activity, MCP clients' grants (all `on delete cascade`).
 */
export function registerServerRemove(app: Hono<AppEnv>) {
  app.delete("/api/servers/:server", requireSession(), async (c) => {
    const server = await ownedServer(c);
    const { runner, proxied, database } = c.var;
    await (proxied.has(server.id) ? proxied.removed(server.id) : runner.stop(server.id));
    await database.db.delete(servers).where(eq(servers.id, server.id));
    return c.body(null, 204);
  });
}
