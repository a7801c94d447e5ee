import { type Database, type Id, isId, mcpGrants, newId, servers } from "@gumstack/db";
import { and, desc, eq } from "drizzle-orm";

/** A user's consent as "Connected apps" lists it. */
export interface GrantSummary {
  id: Id<"mcpGrant">;
  clientId: string;
  clientName: string;
  serverName: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface GrantKey {
  userId: Id<"user">;
  clientId: string;
  serverId: Id<"server">;
}

/** The user's remembered consent for this client and server, if any. */
export async function findGrant(db: Database, key: GrantKey): Promise<Id<"mcpGrant"> | undefined> {
  const [row] = await db
    .select({ id: mcpGrants.id })
    .from(mcpGrants)
    .where(
      and(
        eq(mcpGrants.userId, key.userId),
        eq(mcpGrants.clientId, key.clientId),
        eq(mcpGrants.serverId, key.serverId),
      ),
    );
  return row?.id;
}

/**
 * Remembers the user's consent (one row per user, client and server, whichever flow gets there
 * first): the client's name as the consent page showed it, and the scopes allowed.
 */
export async function rememberConsent(
  db: Database,
  grant: GrantKey & { clientName: string; scopes: readonly string[] },
): Promise<Id<"mcpGrant">> {
  const [row] = await db
    .insert(mcpGrants)
    .values({ id: newId("mcpGrant"), ...grant, scopes: [...grant.scopes] })
    .onConflictDoUpdate({
      target: [mcpGrants.userId, mcpGrants.clientId, mcpGrants.serverId],
      set: { clientName: grant.clientName, scopes: [...grant.scopes] },
    })
    .returning({ id: mcpGrants.id });
  if (!row) throw new Error("the grant upsert returned no row");
  return row.id;
}

export function listGrants(db: Database, userId: Id<"user">): Promise<GrantSummary[]> {
  return db
    .select({
      id: mcpGrants.id,
      clientId: mcpGrants.clientId,
      clientName: mcpGrants.clientName,
      serverName: servers.name,
      scopes: mcpGrants.scopes,
      createdAt: mcpGrants.createdAt,
      lastUsedAt: mcpGrants.lastUsedAt,
    })
    .from(mcpGrants)
    .innerJoin(servers, eq(servers.id, mcpGrants.serverId))
    .where(eq(mcpGrants.userId, userId))
    .orderBy(desc(mcpGrants.createdAt), mcpGrants.id);
}

/**
 * Revokes one of the user's grants: the row goes, and every code and token issued under it with
 * it (they cascade). False when the user has no such grant: another user's id is not found.
 */
export async function revokeGrant(
  db: Database,
  userId: Id<"user">,
  grantId: string,
): Promise<boolean> {
  if (!isId("mcpGrant", grantId)) return false;
  const gone = await db
    .delete(mcpGrants)
    .where(and(eq(mcpGrants.id, grantId), eq(mcpGrants.userId, userId)))
    .returning({ id: mcpGrants.id });
  return gone.length > 0;
}
