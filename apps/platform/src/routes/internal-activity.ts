import { servers, users } from "@gumstack/db";
import { activityRequestSchema, INTERNAL_PATHS } from "@gumstack/runtime/internal-api";
import { eq, inArray } from "drizzle-orm";
import type { Hono } from "hono";
import { ActivityRecorder } from "../activity/index.js";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { internalBodyLimit } from "../middleware/internal-body-limit.js";
import { callingServerId } from "../servers/calling-server.js";

/**
 * POST /internal/activity: a hosted server reports the tool calls it served (who, which tool,
 * outcome, latency; never arguments or results), authenticated as /internal/credentials is.
 */
export function registerInternalActivity(app: Hono<AppEnv>) {
  const recorder = new ActivityRecorder();
  app.post(INTERNAL_PATHS.activity, internalBodyLimit("activity"), async (c) => {
    const serverId = callingServerId(c);
    const { entries } = await readBody(c, activityRequestSchema);
    const { db } = c.var.database;
    const [server] = await db
      .select({ id: servers.id })
      .from(servers)
      .where(eq(servers.id, serverId));
    if (!server) throw new ApiError("not_found", `no server ${serverId}`);
    const userIds = [...new Set(entries.map((e) => e.userId))];
    const known = new Set(
      (await db.select({ id: users.id }).from(users).where(inArray(users.id, userIds))).map(
        (u) => u.id,
      ),
    );
    const unknown = entries.findIndex((e) => !known.has(e.userId));
    if (unknown !== -1)
      throw new ApiError("bad_request", `entries.${unknown}.userId: no such user`);
    const calls = entries.map((e) => ({ ...e, calledAt: new Date(e.calledAt) }));
    await recorder.record(db, serverId, calls, c.var.now());
    return c.json({ recorded: calls.length });
  });
}
