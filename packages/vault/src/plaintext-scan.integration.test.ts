import { type Database, rowsOf } from "@gumstack/db";
import { createTestDatabase, type TestDatabase, testDriver } from "@gumstack/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyCanaries } from "./canary.js";
import { generateKeySpec, parseKeyRing } from "./key-ring.js";
import { createNotesTable, notes, seedNotes } from "./testing/notes-table.js";
import { Vault } from "./vault.js";

/** Every known secret, and its base64 form, found anywhere in any row of any table. */
async function scan(db: Database, secrets: string[]): Promise<string[]> {
  const needles = secrets.flatMap((s) => [s, Buffer.from(s).toString("base64")]);
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    ),
  );
  expect(tables.length).toBeGreaterThan(2);
  const found: string[] = [];
  for (const { table_name } of tables) {
    // A row cast to text holds every column of it.
    const rows = rowsOf<{ row: string }>(
      await db.execute(sql`select t::text as row from ${sql.identifier(table_name)} t`),
    );
    for (const { row } of rows) {
      for (const needle of needles)
        if (row.includes(needle)) found.push(`${table_name}: ${needle}`);
    }
  }
  return found;
}

describe(`secrets at rest [${testDriver}]`, () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
    await createNotesTable(database.db);
  });
  afterEach(async () => database.close());

  it("are found nowhere in plaintext, in any table or column", async () => {
    const vault = new Vault(parseKeyRing(generateKeySpec("k1"), "test"));
    await verifyCanaries(database.db, vault);
    const stored = await seedNotes(database.db, vault, 50);
    const secrets = [...stored.values()];

    // The scan finds a secret that is stored in the clear, so its silence below means something.
    const [first] = await database.db.select().from(notes).limit(1);
    await database.db
      .update(notes)
      .set({ title: secrets[0] })
      .where(eq(notes.id, first?.id ?? ""));
    expect(await scan(database.db, secrets)).toEqual([`test_notes: ${secrets[0]}`]);

    await database.db
      .update(notes)
      .set({ title: "note" })
      .where(eq(notes.id, first?.id ?? ""));
    expect(await scan(database.db, [...secrets, "gumstack vault canary"])).toEqual([]);
  });
});
