import { connections, type Database, type Id } from "@gumstack/db";
import type { AuthProvider } from "@gumstack/oauth";
import { and, desc, eq } from "drizzle-orm";
import { tokenLocation } from "./connection-store.js";
import type { ResolvedOptions } from "./options.js";

/** A connection as people see it: never a token. */
export interface ConnectionSummary {
  id: Id<"connection">;
  provider: string;
  nickname: string;
  status: "active" | "needs_reauth" | "revoked";
  scopes: string[];
  connectedAt: Date;
  refreshedAt: Date | null;
  expiresAt: Date | null;
  /** The last refresh failure, in words; never a token. */
  lastError: string | null;
}

/** The user's connections for one server, the newest first. */
export async function listConnections(
  db: Database,
  userId: Id<"user">,
  serverId: Id<"server">,
): Promise<ConnectionSummary[]> {
  return db
    .select({
      id: connections.id,
      provider: connections.provider,
      nickname: connections.nickname,
      status: connections.status,
      scopes: connections.scopes,
      connectedAt: connections.connectedAt,
      refreshedAt: connections.refreshedAt,
      expiresAt: connections.expiresAt,
      lastError: connections.lastError,
    })
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.serverId, serverId)))
    .orderBy(desc(connections.connectedAt));
}

export interface Disconnected {
  provider: string;
  nickname: string;
  /**
   * `revoked`: the provider confirmed; `unsupported`: it has no revocation endpoint; `failed`:
   * it could not be reached or refused, and the grant may live on there (the user can remove
   * it in the provider's settings). The connection is deleted here in every case.
   */
  revocation: "revoked" | "unsupported" | "failed";
}

/**
 * Revokes the grant at the provider when it supports that (the refresh token when there is one,
 * since revoking it ends the whole grant at most providers; else the access token), then deletes
 * the connection. Undefined when the user has no such connection on this server.
 */
export async function disconnect(
  o: Pick<ResolvedOptions, "db" | "vault" | "log" | "provider">,
  request: { userId: Id<"user">; serverId: Id<"server">; connectionId: Id<"connection"> },
): Promise<Disconnected | undefined> {
  const mine = and(
    eq(connections.id, request.connectionId),
    eq(connections.userId, request.userId),
    eq(connections.serverId, request.serverId),
  );
  const [row] = await o.db.select().from(connections).where(mine);
  if (!row) return undefined;
  let provider: AuthProvider | undefined;
  let revocation: Disconnected["revocation"] = "unsupported";
  try {
    provider = await o.provider(row.provider, row.serverId);
  } catch (error) {
    // Still deleted: a user who wants out is not held back by a server that is down.
    o.log.warn("provider unavailable for revocation", {
      provider: row.provider,
      reason: error instanceof Error ? error.name : "unknown",
    });
    revocation = "failed";
  }
  if (provider?.revoke) {
    const token =
      row.refreshToken === null
        ? o.vault.decrypt(row.accessToken, tokenLocation(row.id, "access_token"))
        : o.vault.decrypt(row.refreshToken, tokenLocation(row.id, "refresh_token"));
    try {
      await provider.revoke(token);
      revocation = "revoked";
    } catch (error) {
      revocation = "failed";
      o.log.warn("revocation at the provider failed; deleting the connection anyway", {
        connectionId: row.id,
        provider: row.provider,
        reason: error instanceof Error ? error.name : "unknown",
      });
    }
  }
  await o.db.delete(connections).where(mine);
  o.log.info("account disconnected", { connectionId: row.id, provider: row.provider, revocation });
  return { provider: row.provider, nickname: row.nickname, revocation };
}
