import { servers } from "@gumstack/db";
import { asc } from "drizzle-orm";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import { serverSummary } from "../servers/summary.js";
import type { AnswerOf } from "./answer.js";

async function listServers(c: Context<AppEnv>) {
  const rows = await c.var.database.db.select().from(servers).orderBy(asc(servers.name));
  const viewer = c.var.session.user.id;
  return c.json({
    servers: await Promise.all(rows.map((row) => serverSummary(c.var, row, viewer))),
  });
}
export type ServerListAnswer = AnswerOf<typeof listServers>;

/**
 * GET /api/servers: every registered server, for any signed-in user (each can connect accounts
 * and call tools); `owned` marks the ones the caller runs.
 */
export function registerServersList(app: Hono<AppEnv>) {
  app.get("/api/servers", requireSession(), listServers);
}
