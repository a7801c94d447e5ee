import { servers, toolCalls } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";

/**
 * DELETE /api/servers/:server: the owner removes a server. Its processes take no new call and
 * stop in the background (what is in flight drains), and its row goes with everything that hangs
 * off it: variables, users' saved values and connections, deployments, MCP clients' grants (all
 * `on delete cascade`), and its activity, which has no foreign key (see tool_calls' schema) and
 * is deleted here, after the server row: that waits for a batch being stored, which holds a lock
 * on the row, so the batch's calls go too.
 */
export function registerServerRemove(app: Hono<AppEnv>) {
  app.delete("/api/servers/:server", requireSession(), async (c) => {
    const server = await ownedServer(c);
    const { runner, proxied, database, log } = c.var;
    // No new call reaches it from here on; what is in flight (a connected client's open stream
    // included) drains in the background, up to the runner's drain time, not in this request.
    const stopping = proxied.has(server.id) ? proxied.removed(server.id) : runner.stop(server.id);
    stopping.catch((error: unknown) =>
      log.error("stopping a removed server failed", { server: server.name, error }),
    );
    await database.db.transaction(async (tx) => {
      await tx.delete(servers).where(eq(servers.id, server.id));
      await tx.delete(toolCalls).where(eq(toolCalls.serverId, server.id));
    });
    return c.body(null, 204);
  });
}
