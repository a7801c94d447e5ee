import { servers } from "@gumstack/db";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

export type ServerRow = typeof servers.$inferSelect;

/** The caller's server named in the path; someone else's is as not found as a missing one. */
export async function ownedServer(c: Context<AppEnv>): Promise<ServerRow> {
  const name = c.req.param("server") ?? "";
  const [row] = await c.var.database.db
    .select()
    .from(servers)
    .where(and(eq(servers.name, name), eq(servers.ownerId, c.var.session.user.id)));
  if (!row) throw new ApiError("not_found", `no server named ${name} of yours`);
  return row;
}
