import { connections, type Database, type Id, newId } from "@gumstack/db";
import type { TokenResponse } from "@gumstack/oauth";
import type { Vault } from "@gumstack/vault";
import { and, eq } from "drizzle-orm";

export type ConnectionRow = typeof connections.$inferSelect;

/** What a tool gets: the token and what it needs to use it. */
export interface AccessGrant {
  connectionId: Id<"connection">;
  provider: string;
  nickname: string;
  accessToken: string;
  tokenType: string;
  scopes: string[];
  expiresAt: Date | null;
  /** The provider's non-secret facts for tools (Atlassian's cloud id...). */
  extras: Record<string, string>;
}

/**
 * A grant as a tool receives it from `getCredentials()`, in the SDK's snake_case; the platform
 * sends the same object to hosted servers (as JSON, where the expiry becomes an ISO string).
 */
export function credentialsOf(grant: AccessGrant) {
  return {
    access_token: grant.accessToken,
    token_type: grant.tokenType,
    expires_at: grant.expiresAt,
    scopes: grant.scopes,
    provider: grant.provider,
    nickname: grant.nickname,
    connection_id: grant.connectionId,
    extras: grant.extras,
  };
}

export const tokenLocation = (id: string, field: "access_token" | "refresh_token") => ({
  table: "connections",
  id,
  field,
});

export function grantOf(vault: Vault, row: ConnectionRow): AccessGrant {
  return {
    connectionId: row.id,
    provider: row.provider,
    nickname: row.nickname,
    accessToken: vault.decrypt(row.accessToken, tokenLocation(row.id, "access_token")),
    tokenType: row.tokenType,
    scopes: row.scopes,
    expiresAt: row.expiresAt,
    extras: row.extras,
  };
}

/** The encrypted columns for a token response, for the row `id`. */
export function tokenColumns(
  vault: Vault,
  id: string,
  tokens: TokenResponse,
  expiresAt: Date | null,
) {
  return {
    accessToken: vault.encrypt(tokens.accessToken, tokenLocation(id, "access_token")),
    ...(tokens.refreshToken === undefined
      ? {}
      : { refreshToken: vault.encrypt(tokens.refreshToken, tokenLocation(id, "refresh_token")) }),
    tokenType: tokens.tokenType,
    ...(tokens.scopes === undefined ? {} : { scopes: tokens.scopes }),
    ...(tokens.extras === undefined ? {} : { extras: tokens.extras }),
    expiresAt,
  };
}

export interface NewConnection {
  userId: Id<"user">;
  serverId: Id<"server">;
  provider: string;
  nickname: string;
  tokens: TokenResponse;
  expiresAt: Date | null;
  requestedScopes: readonly string[];
}

/**
 * Connecting an account the user already connected (same provider and nickname) renews that
 * connection instead of adding a twin; another account of the same provider is a new connection.
 */
export async function saveConnection(
  db: Database,
  vault: Vault,
  input: NewConnection,
): Promise<ConnectionRow> {
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: connections.id })
      .from(connections)
      .where(
        and(
          eq(connections.userId, input.userId),
          eq(connections.serverId, input.serverId),
          eq(connections.provider, input.provider),
          eq(connections.nickname, input.nickname),
        ),
      )
      .for("update");
    const id = existing?.id ?? newId("connection");
    const columns = {
      scopes: [...input.requestedScopes],
      ...tokenColumns(vault, id, input.tokens, input.expiresAt),
      status: "active" as const,
      lastError: null,
      leaseOwner: null,
      leaseExpiresAt: null,
      updatedAt: new Date(),
    };
    if (existing) {
      const [row] = await tx
        .update(connections)
        .set({ ...columns, refreshToken: columns.refreshToken ?? null, connectedAt: new Date() })
        .where(eq(connections.id, id))
        .returning();
      return row as ConnectionRow;
    }
    const [row] = await tx
      .insert(connections)
      .values({
        id,
        userId: input.userId,
        serverId: input.serverId,
        provider: input.provider,
        nickname: input.nickname,
        ...columns,
      })
      .returning();
    return row as ConnectionRow;
  });
}
