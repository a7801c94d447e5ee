import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import {
  connections,
  credentials,
  envVars,
  mcpTokens,
  oauthStates,
  upstreamClients,
} from "./schema/index.js";

/**
 * A column that holds vault envelopes. The vault binds every ciphertext to its table, row id and
 * field, and key rotation walks this list, so a table that stores a secret must be listed here.
 */
export interface EncryptedColumn {
  table: PgTable;
  /** The row's primary key; text ids only, as every table here uses. */
  id: AnyPgColumn;
  value: AnyPgColumn;
}

export const encryptedColumns: readonly EncryptedColumn[] = [
  { table: connections, id: connections.id, value: connections.accessToken },
  { table: connections, id: connections.id, value: connections.refreshToken },
  { table: oauthStates, id: oauthStates.id, value: oauthStates.codeVerifier },
  { table: credentials, id: credentials.id, value: credentials.values },
  { table: envVars, id: envVars.id, value: envVars.value },
  // A rotated refresh token's successor pair, for its few seconds of grace.
  { table: mcpTokens, id: mcpTokens.id, value: mcpTokens.successor },
  { table: upstreamClients, id: upstreamClients.id, value: upstreamClients.clientSecret },
];
