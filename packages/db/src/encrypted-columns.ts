import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";

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

/** Grows with the tables that hold secrets (connections, credentials, environment variables). */
export const encryptedColumns: readonly EncryptedColumn[] = [];
