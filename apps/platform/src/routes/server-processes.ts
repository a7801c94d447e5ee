import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";
import type { AnswerOf } from "./answer.js";

async function listProcesses(c: Context<AppEnv>) {
  const server = await ownedServer(c);
  return c.json({
    processes: c.var.proxied.list(server.id).map((p) => ({
      userId: p.userId,
      status: p.status,
      pid: p.pid ?? null,
      startedAt: p.startedAt ?? null,
      lastUsedAt: p.lastUsedAt,
      busy: p.busy,
      memoryBytes: p.memoryBytes ?? null,
    })),
  });
}
export type ProcessListAnswer = AnswerOf<typeof listProcesses>;

/**
 * GET /api/servers/:server/processes: a per-user proxied server's processes, one per user (when
 * started, last used, memory); DELETE …/processes/:user stops one (its next call starts a new
 * one). The owner's only, like deployments.
 */
export function registerServerProcesses(app: Hono<AppEnv>) {
  app.get("/api/servers/:server/processes", requireSession(), listProcesses);
  app.delete("/api/servers/:server/processes/:user", requireSession(), async (c) => {
    const server = await ownedServer(c);
    const userId = c.req.param("user");
    if (!c.var.proxied.stop(server.id, userId))
      throw new ApiError("not_found", `user: no process of ${server.name} runs for ${userId}`);
    return c.body(null, 204);
  });
}
