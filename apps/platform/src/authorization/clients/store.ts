import { type Database, type McpClientKind, mcpClients, newId } from "@gumstack/db";
import { and, desc, eq } from "drizzle-orm";
import type { McpClient } from "../contracts.js";
import type { ClientMetadata } from "./client-metadata.js";
import { hashClientSecret, newClientSecret } from "./secrets.js";

/* The clients kept in `mcp_clients`: registered ones (RFC 7591) and those an operator added. */

export type ClientRow = typeof mcpClients.$inferSelect;

export function clientOf(row: ClientRow): McpClient {
  return {
    clientId: row.clientId,
    kind: row.kind,
    name: row.name,
    redirectUris: row.redirectUris,
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod,
    ...(row.clientUri === null ? {} : { clientUri: row.clientUri }),
    ...(row.logoUri === null ? {} : { logoUri: row.logoUri }),
  };
}

export interface StoredClient {
  row: ClientRow;
  /** Only for a confidential client, and only now: it is kept as its hash. */
  secret: string | undefined;
}

/**
 * Stores a client; a confidential one gets its secret here. Without `clientId` its id is its
 * row's (`mcl_…`). Undefined when an operator's chosen `clientId` is taken.
 */
export async function insertClient(
  db: Database,
  input: { kind: McpClientKind; metadata: ClientMetadata; now: number; clientId?: string },
): Promise<StoredClient | undefined> {
  const { metadata } = input;
  const id = newId("mcpClient");
  const secret = metadata.token_endpoint_auth_method === "none" ? undefined : newClientSecret();
  const [row] = await db
    .insert(mcpClients)
    .values({
      id,
      clientId: input.clientId ?? id,
      kind: input.kind,
      name: metadata.client_name,
      redirectUris: metadata.redirect_uris,
      tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
      secretHash: secret === undefined ? null : hashClientSecret(secret),
      clientUri: metadata.client_uri ?? null,
      logoUri: metadata.logo_uri ?? null,
      metadata: JSON.stringify(metadata),
      createdAt: new Date(input.now),
    })
    .onConflictDoNothing({ target: mcpClients.clientId })
    .returning();
  return row ? { row, secret } : undefined;
}

export async function findClientRow(
  db: Database,
  clientId: string,
): Promise<ClientRow | undefined> {
  const [row] = await db.select().from(mcpClients).where(eq(mcpClients.clientId, clientId));
  return row;
}

export function listClientRows(db: Database, kind: McpClientKind): Promise<ClientRow[]> {
  return db
    .select()
    .from(mcpClients)
    .where(eq(mcpClients.kind, kind))
    .orderBy(desc(mcpClients.createdAt));
}

/** Deletes a client of `kind`; whether there was one. */
export async function deleteClient(
  db: Pick<Database, "delete">,
  kind: McpClientKind,
  clientId: string,
): Promise<boolean> {
  const gone = await db
    .delete(mcpClients)
    .where(and(eq(mcpClients.clientId, clientId), eq(mcpClients.kind, kind)))
    .returning({ id: mcpClients.id });
  return gone.length > 0;
}
