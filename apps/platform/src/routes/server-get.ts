import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import { namedServer } from "../servers/owned-server.js";
import { serverSummary } from "../servers/summary.js";

/** GET /api/servers/:server: status, auth type, redeploy pending; any signed-in user sees it. */
export function registerServerGet(app: Hono<AppEnv>) {
  app.get("/api/servers/:server", requireSession(), async (c) =>
    c.json(await serverSummary(c.var, await namedServer(c), c.var.session.user.id)),
  );
}
