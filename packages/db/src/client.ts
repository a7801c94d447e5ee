import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { lockDataDir } from "./data-dir-lock.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
/** The query surface both drivers share; code above this package never names a driver. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Driver = "postgres" | "pglite";

export interface DatabaseHandle {
  readonly db: Database;
  readonly driver: Driver;
  /** Round-trip time of `select 1`, in milliseconds. */
  ping(): Promise<number>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { url: string; maxConnections?: number }
  /** `dataDir` omitted: in memory, gone on close (tests). */
  | { url?: undefined; dataDir?: string };

/** The one switch between drivers: a URL means Postgres, no URL means embedded PGlite. */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.url === undefined
    ? openPglite(options.dataDir)
    : openPostgres(options.url, options.maxConnections ?? 10);
}

function handle(db: Database, driver: Driver, close: () => Promise<void>): DatabaseHandle {
  return {
    db,
    driver,
    async ping() {
      const started = performance.now();
      await db.execute(sql`select 1`);
      return performance.now() - started;
    },
    close,
  };
}

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  // Notices ("relation already exists, skipping") are informational, not worth a log line.
  const client = postgres(url, { max, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema }) as unknown as Database;
  return handle(db, "postgres", () => client.end({ timeout: 5 }));
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  let unlock = () => {};
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  try {
    const client = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await client.waitReady;
    const db = drizzlePglite({ client, schema }) as unknown as Database;
    return handle(db, "pglite", async () => {
      await client.close();
      unlock();
    });
  } catch (error) {
    unlock();
    throw error;
  }
}
