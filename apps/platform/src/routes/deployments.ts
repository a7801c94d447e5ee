import { deployments } from "@gumstack/db";
import { desc, eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";
import type { AnswerOf } from "./answer.js";

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

async function listDeployments(c: Context<AppEnv>) {
  const server = await ownedServer(c);
  const rows = await c.var.database.db
    .select()
    .from(deployments)
    .where(eq(deployments.serverId, server.id))
    .orderBy(desc(deployments.createdAt))
    .limit(50);
  return c.json({
    deployments: rows.map((row) => {
      const live = c.var.runner.deployment(row.id);
      return {
        id: row.id,
        status: live?.status ?? "gone",
        envVersion: row.envVersion,
        createdAt: row.createdAt,
        startedAt: iso(live?.startedAt),
        restarts: live?.restarts ?? 0,
        lastExit: live?.lastExit
          ? { ...live.lastExit, at: new Date(live.lastExit.at).toISOString() }
          : null,
        logsKept: live !== undefined,
      };
    }),
  });
}
export type DeploymentListAnswer = AnswerOf<typeof listDeployments>;

async function deploymentLogs(
  c: Context<AppEnv, "/api/servers/:server/deployments/:deployment/logs">,
) {
  const server = await ownedServer(c);
  const id = c.req.param("deployment");
  const live = c.var.runner.deployment(id);
  if (!live || live.serverId !== server.id)
    throw new ApiError("not_found", `deployment: no kept deployment ${id} of ${server.name}`);
  return c.json({
    lines: c.var.runner.logs(id).map((line) => ({
      at: new Date(line.at).toISOString(),
      stream: line.stream,
      text: line.text,
    })),
  });
}
export type LogLinesAnswer = AnswerOf<typeof deploymentLogs>;

/**
 * GET /api/servers/:server/deployments and …/:deployment/logs, for the server's owner. Every
 * deployment ever made is listed from the database; the runner adds the live status, restarts
 * and output of the ones it still keeps (the newest ten by default), which is where logs live.
 */
export function registerDeployments(app: Hono<AppEnv>) {
  app.get("/api/servers/:server/deployments", requireSession(), listDeployments);
  app.get("/api/servers/:server/deployments/:deployment/logs", requireSession(), deploymentLogs);
}
