import { servers } from "@gumstack/db";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

export type ServerRow = typeof servers.$inferSelect;

/**
 * The server named in the path, for any signed-in user: every registered server can be used
 * (connect an account, enter credentials, call its tools). Running it is its owner's business:
 * see ownedServer.
 */
export async function namedServer(c: Context<AppEnv>): Promise<ServerRow> {
  const name = c.req.param("server") ?? "";
  const [row] = await c.var.database.db.select().from(servers).where(eq(servers.name, name));
  if (!row) throw new ApiError("not_found", `no server named ${name}`);
  return row;
}

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
