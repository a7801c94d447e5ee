import {
  createTestDatabase,
  findPlaintext as scan,
  type TestDatabase,
  testDriver,
} from "@gumstack/db/testing";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyCanaries } from "./canary.js";
import { generateKeySpec, parseKeyRing } from "./key-ring.js";
import { createNotesTable, notes, seedNotes } from "./testing/notes-table.js";
import { Vault } from "./vault.js";

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
