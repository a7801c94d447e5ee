import { connections, credentials, type Database, type Id, newId, servers } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { ServerConfig } from "../config.js";
import { AuthTypeChangedError } from "../errors.js";

/**
 * The server's row, created on first start. Its auth type is fixed once it stores anything:
 * tokens of an oauth server mean nothing to a cred server, so a changed type stops start-up
 * instead of silently orphaning what users connected.
 */
export async function ensureServer(db: Database, config: ServerConfig): Promise<Id<"server">> {
  const wanted = config.auth.type;
  const [existing] = await db.select().from(servers).where(eq(servers.name, config.name));
  if (!existing) {
    const [row] = await db
      .insert(servers)
      .values({ id: newId("server"), name: config.name, authType: wanted })
      .onConflictDoNothing()
      .returning();
    return row ? row.id : ensureServer(db, config);
  }
  if (existing.authType === wanted) return existing.id;
  const [connection] = await db
    .select({ id: connections.id })
    .from(connections)
    .where(eq(connections.serverId, existing.id))
    .limit(1);
  const [credential] = await db
    .select({ id: credentials.id })
    .from(credentials)
    .where(eq(credentials.serverId, existing.id))
    .limit(1);
  if (connection || credential) {
    throw new AuthTypeChangedError(
      `the server "${config.name}" stores ${existing.authType} data, so its auth type cannot become ` +
        `"${wanted}". Set auth.type back to "${existing.authType}", or give the server a new name.`,
    );
  }
  await db.update(servers).set({ authType: wanted }).where(eq(servers.id, existing.id));
  return existing.id;
}
