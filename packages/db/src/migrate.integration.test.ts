import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "./client.js";
import { type Migration, migrate, readMigrations } from "./migrate.js";
import { rowsOf } from "./rows.js";
import { createTestDatabase, type TestDatabase, testDriver } from "./testing/index.js";

const shipped = readMigrations();
const future: Migration = {
  name: "9999_from_the_future",
  hash: "f".repeat(64),
  statements: ["create table from_the_future (id text primary key)"],
};

async function tables(handle: DatabaseHandle): Promise<string[]> {
  return rowsOf<{ table_name: string }>(
    await handle.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    ),
  ).map((r) => r.table_name);
}

describe(`migrations [${testDriver}]`, () => {
  let database: TestDatabase;
  afterEach(async () => database?.close());

  it("applies every shipped migration once, then nothing", async () => {
    database = await createTestDatabase({ migrate: false });
    const first = await migrate(database.db);
    expect(first.applied).toEqual(shipped.map((m) => m.name));
    expect(await tables(database)).toEqual(
      expect.arrayContaining(["gumstack_migrations", "vault_canaries"]),
    );
    const second = await migrate(database.db);
    expect(second).toEqual({ applied: [], current: shipped.at(-1)?.name });
  });

  it("applies each migration once when several processes start at once", async () => {
    database = await createTestDatabase({ migrate: false });
    // On Postgres these are separate connection pools, as separate processes would have.
    const others = database.url
      ? await Promise.all([1, 2, 3].map(() => createDatabase({ url: database.url as string })))
      : [];
    try {
      const results = await Promise.all([database, ...others].map((h) => migrate(h.db)));
      const appliedCounts = results.map((r) => r.applied.length).sort();
      expect(appliedCounts.at(-1)).toBe(shipped.length);
      expect(appliedCounts.slice(0, -1).every((n) => n === 0)).toBe(true);
      const recorded = rowsOf(await database.db.execute(sql`select name from gumstack_migrations`));
      expect(recorded).toHaveLength(shipped.length);
    } finally {
      await Promise.all(others.map((h) => h.close()));
    }
  });

  it("refuses a database migrated by newer code, and leaves it as it was", async () => {
    database = await createTestDatabase({ migrate: false });
    await migrate(database.db, [...shipped, future]);
    await expect(migrate(database.db, shipped)).rejects.toThrow(
      /migrated by newer code: it has migration "9999_from_the_future"/,
    );
    expect(await tables(database)).toContain("from_the_future");
  });

  it("refuses a shipped migration that was edited after it was applied", async () => {
    database = await createTestDatabase({ migrate: false });
    await migrate(database.db, [...shipped, future]);
    const edited = { ...future, hash: "e".repeat(64) };
    await expect(migrate(database.db, [...shipped, edited])).rejects.toThrow(
      /"9999_from_the_future" differs from the one applied/,
    );
  });

  it("rolls back a migration that fails, recording nothing", async () => {
    database = await createTestDatabase({ migrate: false });
    const broken: Migration = {
      name: "9998_broken",
      hash: "b".repeat(64),
      statements: ["create table half_done (id text)", "select * from no_such_table"],
    };
    await expect(migrate(database.db, [...shipped, broken])).rejects.toThrow();
    expect(await tables(database)).not.toContain("half_done");
    expect(await tables(database)).not.toContain("vault_canaries");
  });
});
