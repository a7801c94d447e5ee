import type { Context, Hono } from "hono";
import { z } from "zod";
import { activitySummary } from "../activity/index.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";
import type { AnswerOf } from "./answer.js";

// 720 hours is the 30 days the platform keeps.
const hours = z.coerce.number().int().min(1).max(720).default(24);

async function serverActivity(c: Context<AppEnv>) {
  const server = await ownedServer(c);
  const parsed = hours.safeParse(c.req.query("hours"));
  if (!parsed.success)
    throw new ApiError("bad_request", "hours: must be a whole number from 1 to 720");
  return c.json(await activitySummary(c.var.database.db, server.id, parsed.data, c.var.now()));
}
export type ActivityAnswer = AnswerOf<typeof serverActivity>;

/** GET /api/servers/:server/activity?hours=24: calls, errors and latencies per tool and per hour. */
export function registerServerActivity(app: Hono<AppEnv>) {
  app.get("/api/servers/:server/activity", requireSession(), serverActivity);
}
