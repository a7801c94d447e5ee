import { timingSafeEqual } from "node:crypto";
import { type Database, mcpClients } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { ClientRegistry, McpClient } from "./contracts.js";
import { hashOf } from "./secrets.js";

/**
 * The clients stored in `mcp_clients` (registered and pre-registered), exact redirect matches
 * only: the token side's stand-in for the client registry, until the clients work
 * (`clients/`, with metadata documents and RFC 8252 loopback ports) replaces it in boot.ts.
 */
export function storedClients(db: Database): ClientRegistry {
  return {
    async find(clientId) {
      const [row] = await db.select().from(mcpClients).where(eq(mcpClients.clientId, clientId));
      if (!row)
        return { problem: "unknown_client", message: `no client ${clientId} is registered` };
      const client: McpClient = {
        clientId: row.clientId,
        kind: row.kind,
        name: row.name,
        redirectUris: row.redirectUris,
        tokenEndpointAuthMethod: row.tokenEndpointAuthMethod,
        ...(row.clientUri === null ? {} : { clientUri: row.clientUri }),
        ...(row.logoUri === null ? {} : { logoUri: row.logoUri }),
      };
      return client;
    },
    redirectAllowed: (client, redirectUri) => client.redirectUris.includes(redirectUri),
    async authenticate(client, secret) {
      if (secret === undefined) return false;
      const [row] = await db
        .select({ secretHash: mcpClients.secretHash })
        .from(mcpClients)
        .where(eq(mcpClients.clientId, client.clientId));
      if (!row?.secretHash) return false;
      const given = Buffer.from(hashOf(secret));
      const stored = Buffer.from(row.secretHash);
      return given.length === stored.length && timingSafeEqual(given, stored);
    },
  };
}
