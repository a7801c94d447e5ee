import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import type { AnswerOf } from "../routes/answer.js";
import { listGrants } from "./grants.js";

async function listConnectedApps(c: Context<AppEnv>) {
  const apps = await listGrants(c.var.database.db, c.var.session.user.id);
  return c.json({ apps });
}
export type ConnectedAppListAnswer = AnswerOf<typeof listConnectedApps>;

/** GET /api/connected-apps: the MCP clients the caller allowed, per server (their grants). */
export function registerConnectedAppsList(app: Hono<AppEnv>) {
  app.get("/api/connected-apps", requireSession(), listConnectedApps);
}
