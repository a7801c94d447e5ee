import { type Id, isId, servers, users } from "@gumstack/db";
import { eq, inArray } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import { ActivityRecorder } from "../activity/index.js";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { callingServerId } from "../servers/calling-server.js";

/** As many as the SDK sends in one POST (packages/sdk/src/host/activity/reporter.ts). */
const MAX_ENTRIES = 1_000;

// No server id here: the calls are the authenticated server's. Unknown keys are stripped.
const body = z.object({
  entries: z
    .array(
      z.object({
        userId: z.custom<Id<"user">>(
          (v) => typeof v === "string" && isId("user", v),
          "must be a user id",
        ),
        tool: z.string().min(1).max(200),
        outcome: z.enum(["ok", "error", "auth_required"]),
        latencyMs: z.number().min(0).max(86_400_000),
        calledAt: z.iso.datetime({ offset: true }),
      }),
    )
    .min(1)
    .max(MAX_ENTRIES, `at most ${MAX_ENTRIES} per request`),
});

/**
 * POST /internal/activity: a hosted server reports the tool calls it served (who, which tool,
 * outcome, latency; never arguments or results), authenticated as /internal/credentials is.
 */
export function registerInternalActivity(app: Hono<AppEnv>) {
  const recorder = new ActivityRecorder();
  app.post("/internal/activity", async (c) => {
    const serverId = callingServerId(c);
    const { entries } = await readBody(c, body);
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
