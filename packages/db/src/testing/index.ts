import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import postgres from "postgres";
import { createDatabase, type Database, type DatabaseHandle, type Driver } from "../client.js";
import { migrate, readMigrations } from "../migrate.js";
import * as schema from "../schema/index.js";

/**
 * Part of a template's name: a new PGlite may not read an older one's cluster. Its package.json
 * is not among its exports, so it is found beside its entry point (dist/ under the package).
 */
const PGLITE_VERSION = (
  JSON.parse(
    readFileSync(
      join(
        dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite")),
        "..",
        "package.json",
      ),
      "utf8",
    ),
  ) as { version: string }
).version;

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
  const migrated = options.migrate ?? true;
  const { url, drop } = await createScratchDatabase();
  const handle = url
    ? await createDatabase({ url, maxConnections: 20 })
    : await createDatabase({ loadDataDir: await pgliteTemplate(migrated) });
  // A template is migrated already; migrating again finds nothing to do, as after a restart.
  if (migrated) await migrate(handle.db);
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await drop();
    },
  };
}

/**
 * A PGlite cluster to start a test database from, empty or migrated, as a dump: PGlite's initdb
 * takes seconds (most of a PGlite test database's cost), loading a dump well under one. Made
 * once per machine and set of migrations, in the temp folder (the file's name holds a digest of
 * the migrations and of PGlite's version), and read once per test process. Several processes
 * making it at once each write their own file and rename it into place: the same bytes win.
 */
function pgliteTemplate(migrated: boolean): Promise<Blob> {
  const kind = migrated ? "migrated" : "empty";
  let template = templates.get(kind);
  if (!template) {
    template = loadTemplate(migrated);
    templates.set(kind, template);
  }
  return template;
}

const templates = new Map<string, Promise<Blob>>();

async function loadTemplate(migrated: boolean): Promise<Blob> {
  const digest = createHash("sha256").update(PGLITE_VERSION);
  if (migrated) for (const m of readMigrations()) digest.update(m.name).update(m.hash);
  const file = join(
    tmpdir(),
    `gumstack-pglite-${migrated ? "migrated" : "empty"}-${digest.digest("hex").slice(0, 16)}.tar`,
  );
  if (!existsSync(file)) {
    const client = new PGlite();
    try {
      // dumpDataDir on a cluster still starting never returns.
      await client.waitReady;
      if (migrated) await migrate(drizzlePglite({ client, schema }) as unknown as Database);
      const dump = await client.dumpDataDir("none");
      const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, file);
    } finally {
      await client.close();
    }
  }
  return new Blob([readFileSync(file)]);
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
