import { type Database, type Id, newId, upstreamClients } from "@gumstack/db";
import type {
  ClientRegistrations,
  RegisteredClient,
  TokenEndpointAuthMethod,
} from "@gumstack/oauth";
import type { Vault } from "@gumstack/vault";
import { and, eq } from "drizzle-orm";

const secretAt = (id: string) => ({ table: "upstream_clients", id, field: "client_secret" });

/**
 * Where a remote server's provider (`auth.provider: mcp`) keeps the client it registered at the
 * server's authorization server: one row per server and issuer, the secret a vault envelope, so
 * every platform instance and every restart uses the same client (its users' refresh tokens
 * are bound to it). A new registration (the old one refused, or its secret expired) replaces
 * the row; the last one saved wins.
 */
export function storedRegistrations(
  db: Database,
  vault: Vault,
  serverId: Id<"server">,
): ClientRegistrations {
  return {
    async load(issuer) {
      const [row] = await db
        .select()
        .from(upstreamClients)
        .where(and(eq(upstreamClients.serverId, serverId), eq(upstreamClients.issuer, issuer)));
      if (!row) return undefined;
      const client: RegisteredClient = {
        issuer: row.issuer,
        clientId: row.clientId,
        tokenEndpointAuthMethod: row.tokenEndpointAuthMethod as TokenEndpointAuthMethod,
        redirectUri: row.redirectUri,
      };
      if (row.clientSecret !== null)
        client.clientSecret = vault.decrypt(row.clientSecret, secretAt(row.id));
      if (row.expiresAt !== null) client.expiresAt = row.expiresAt;
      return client;
    },
    async save(client) {
      const id = newId("upstreamClient");
      await db.transaction(async (tx) => {
        await tx
          .delete(upstreamClients)
          .where(
            and(eq(upstreamClients.serverId, serverId), eq(upstreamClients.issuer, client.issuer)),
          );
        await tx.insert(upstreamClients).values({
          id,
          serverId,
          issuer: client.issuer,
          redirectUri: client.redirectUri,
          clientId: client.clientId,
          clientSecret:
            client.clientSecret === undefined
              ? null
              : vault.encrypt(client.clientSecret, secretAt(id)),
          tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
          expiresAt: client.expiresAt ?? null,
        });
      });
    },
  };
}
