import { isId, users } from "@gumstack/db";
import { inArray } from "drizzle-orm";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";
import type { AnswerOf } from "./answer.js";

interface Person {
  name: string;
  email: string | null;
}

/** Who each user id is, in one query: the processes list names people, not only ids. */
async function peopleOf(c: Context<AppEnv>, userIds: string[]): Promise<Map<string, Person>> {
  const ids = userIds.filter((id) => isId("user", id));
  if (ids.length === 0) return new Map();
  const rows = await c.var.database.db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(inArray(users.id, ids));
  return new Map(rows.map((row) => [row.id, { name: row.name, email: row.email }]));
}

async function listProcesses(c: Context<AppEnv>) {
  const server = await ownedServer(c);
  const processes = c.var.proxied.list(server.id);
  const people = await peopleOf(
    c,
    processes.map((p) => p.userId),
  );
  return c.json({
    processes: processes.map((p) => {
      // A user whose row went while their process still runs: the id is all that is left.
      const person = people.get(p.userId);
      return {
        userId: p.userId,
        userName: person?.name ?? null,
        userEmail: person?.email ?? null,
        status: p.status,
        pid: p.pid ?? null,
        startedAt: p.startedAt ?? null,
        lastUsedAt: p.lastUsedAt,
        busy: p.busy,
        memoryBytes: p.memoryBytes ?? null,
      };
    }),
  });
}
export type ProcessListAnswer = AnswerOf<typeof listProcesses>;

/**
 * GET /api/servers/:server/processes: a per-user proxied server's processes, one per user (who,
 * when started, last used, memory); DELETE …/processes/:user stops one (its next call starts a
 * new one). The owner's only, like deployments. Nothing here is a user's value: only who runs.
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
