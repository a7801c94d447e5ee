import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import { namedServer } from "../servers/owned-server.js";
import { serverSummary } from "../servers/summary.js";
import type { AnswerOf } from "./answer.js";

const getServer = async (c: Context<AppEnv>) =>
  c.json(await serverSummary(c.var, await namedServer(c), c.var.session.user.id));
export type ServerAnswer = AnswerOf<typeof getServer>;

/** GET /api/servers/:server: status, auth type, redeploy pending; any signed-in user sees it. */
export function registerServerGet(app: Hono<AppEnv>) {
  app.get("/api/servers/:server", requireSession(), getServer);
}
