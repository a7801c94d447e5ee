import { spawn } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
  /**
   * `dataDir` omitted: in memory, gone on close (tests). `sharedBuffers` is Postgres's
   * `shared_buffers` (`32MB`, `128MB`...): PGlite keeps that much in its WebAssembly memory for
   * good, on top of ~170 MiB of its own; Postgres's default is 128MB.
   */
  | {
      url?: undefined;
      dataDir?: string;
      sharedBuffers?: string;
      /**
       * In memory only: start from this dump of a cluster (PGlite's dumpDataDir) instead of
       * running initdb, which takes seconds. Tests start each database from a migrated one.
       */
      loadDataDir?: Blob;
    };

/** The one switch between drivers: a URL means Postgres, no URL means embedded PGlite. */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.url === undefined
    ? openPglite(options.dataDir, options.sharedBuffers, options.loadDataDir)
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

async function openPglite(
  dataDir: string | undefined,
  sharedBuffers: string | undefined,
  loadDataDir: Blob | undefined,
): Promise<DatabaseHandle> {
  if (dataDir !== undefined && loadDataDir !== undefined)
    throw new Error("loadDataDir is for an in-memory database, not a data folder");
  const unlock = dataDir === undefined ? () => {} : lockDataDir(dataDir);
  try {
    if (dataDir !== undefined) await initialiseDataDir(dataDir);
    const client = new PGlite({
      ...(dataDir === undefined ? {} : { dataDir }),
      ...(loadDataDir === undefined ? {} : { loadDataDir }),
      ...(sharedBuffers === undefined
        ? {}
        : { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${sharedBuffers}`] }),
    });
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

const INITDB_TIMEOUT_MS = 120_000;

/**
 * Creates a data folder's cluster (PGlite's initdb) when it has none, under the folder's lock.
 * initdb runs in a short-lived child process: it grows PGlite's WebAssembly memory to ~750 MiB,
 * which a process never gets back, so the long-lived process that opens the folder afterwards
 * starts at ~200 MiB instead. It builds in a sibling folder that is renamed into place once
 * whole: a start killed half-way leaves no half-made database behind.
 */
async function initialiseDataDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, "PG_VERSION"))) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new Error(
      `${dataDir} holds files but no embedded database: empty it or choose another folder`,
    );
  }
  const building = `${dataDir}.initdb`;
  rmSync(building, { recursive: true, force: true });
  await runInitdb(building);
  if (existsSync(dataDir)) rmdirSync(dataDir); // empty, as checked: rmdir refuses anything else
  renameSync(building, dataDir);
}

async function runInitdb(dataDir: string): Promise<void> {
  const script = `const { PGlite } = await import("@electric-sql/pglite");
const db = new PGlite(process.argv[1]);
await db.waitReady;
await db.close();`;
  // Run from this package's folder, where "@electric-sql/pglite" resolves, with none of our
  // environment (no keys; no NODE_OPTIONS, which may name loaders that resolve only elsewhere).
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, dataDir], {
    cwd: fileURLToPath(new URL(".", import.meta.url)),
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "ignore", "pipe"],
    timeout: INITDB_TIMEOUT_MS,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    if (stderr.length < 8_192) stderr += chunk;
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    },
  );
  if (code !== 0 || !existsSync(join(dataDir, "PG_VERSION"))) {
    throw new Error(
      `could not create the embedded database in ${dataDir} (initdb exited with ${signal ?? code}): ${stderr.trim()}`,
    );
  }
}
