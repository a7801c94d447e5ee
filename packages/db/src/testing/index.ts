import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createDatabase, type Database, type DatabaseHandle, type Driver } from "../client.js";
import { migrate } from "../migrate.js";
import { rowsOf } from "../rows.js";

/**
 * The suite runs on real Postgres when DATABASE_URL is set and on embedded PGlite otherwise;
 * CI runs it both ways. Each test database is new and migrated, and dropped by `close()`.
 */
export const testDriver: Driver = process.env.DATABASE_URL ? "postgres" : "pglite";

export interface TestDatabase extends DatabaseHandle {
  /** Set on Postgres: another process can open the same database with it. */
  readonly url: string | undefined;
}

/** A fresh, migrated database on the suite's driver. */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const { url, drop } = await createScratchDatabase();
  const handle = url ? await createDatabase({ url, maxConnections: 20 }) : await createDatabase({});
  if (options.migrate ?? true) await migrate(handle.db);
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await drop();
    },
  };
}

/** On Postgres, a new empty database on the DATABASE_URL server; on PGlite, nothing to make. */
export async function createScratchDatabase(): Promise<{
  url: string | undefined;
  drop: () => Promise<void>;
}> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return { url: undefined, drop: async () => {} };
  const name = `gumstack_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await again.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await again.end();
      }
    },
  };
}

/**
 * Where any of `needles` (or their base64) stands in plaintext, in any row of any table: proof
 * that secrets are stored encrypted. Returns `table: needle` for each find.
 */
export async function findPlaintext(db: Database, needles: readonly string[]): Promise<string[]> {
  const forms = needles.flatMap((s) => [s, Buffer.from(s).toString("base64")]);
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    ),
  );
  const found: string[] = [];
  for (const { table_name } of tables) {
    // A row cast to text holds every column of it.
    const rows = rowsOf<{ row: string }>(
      await db.execute(sql`select t::text as row from ${sql.identifier(table_name)} t`),
    );
    for (const { row } of rows) {
      for (const form of forms) if (row.includes(form)) found.push(`${table_name}: ${form}`);
    }
  }
  return found;
}
export { repoRoot, spawnTypeScript, typeScriptArgs } from "./process.js";
