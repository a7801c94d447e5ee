import { createTestDatabase, type TestDatabase, testDriver } from "@gumstack/db/testing";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VaultDecryptError } from "./errors.js";
import { generateKeySpec, parseKeyRing } from "./key-ring.js";
import { rotateSecrets } from "./rotate.js";
import {
  createNotesTable,
  noteColumns,
  noteLocation,
  notes,
  readNotes,
  seedNotes,
} from "./testing/notes-table.js";
import { Vault } from "./vault.js";

const k1 = generateKeySpec("k1");
const k2 = generateKeySpec("k2");
const oldVault = new Vault(parseKeyRing(k1, "test"));
const newVault = new Vault(parseKeyRing(`${k2},${k1}`, "test"));

async function keyIds(database: TestDatabase): Promise<string[]> {
  const rows = await database.db.select({ secret: notes.secret }).from(notes);
  return [...new Set(rows.map((r) => r.secret?.split(".")[1] ?? "none"))].sort();
}

describe(`key rotation [${testDriver}]`, () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
    await createNotesTable(database.db);
  });
  afterEach(async () => database.close());

  it("moves every secret to the new primary while reads never fail", async () => {
    const expected = await seedNotes(database.db, oldVault, 1000);
    const ids = [...expected.keys()];
    let reads = 0;
    let readFailures = 0;
    let rotating = true;
    const reader = (async () => {
      // Bounded: stops when rotation ends, or after 100,000 reads whatever happens.
      for (let i = 0; rotating && i < 100_000; i++) {
        const id = ids[i % ids.length] as string;
        const [row] = await database.db.select().from(notes).where(eq(notes.id, id));
        try {
          if (newVault.decrypt(row?.secret ?? "", noteLocation(id)) !== expected.get(id)) {
            readFailures++;
          }
        } catch {
          readFailures++;
        }
        reads++;
      }
    })();
    const result = await rotateSecrets(database.db, newVault, noteColumns, { batchSize: 50 });
    rotating = false;
    await reader;

    expect(result).toEqual({ rotated: 1000, conflicts: 0, failed: [], remaining: 0 });
    expect(reads).toBeGreaterThan(0);
    expect(readFailures).toBe(0);
    expect(await keyIds(database)).toEqual(["k2"]);
    expect(await readNotes(database.db, newVault)).toEqual(expected);
  });

  it("loses nothing when it dies part-way, and finishes when run again", async () => {
    const expected = await seedNotes(database.db, oldVault, 300);
    let batches = 0;
    await expect(
      rotateSecrets(database.db, newVault, noteColumns, {
        batchSize: 40,
        onBatch: () => {
          if (++batches === 3) throw new Error("power cut");
        },
      }),
    ).rejects.toThrow("power cut");
    expect(await keyIds(database)).toEqual(["k1", "k2"]);
    expect(await readNotes(database.db, newVault)).toEqual(expected);

    const resumed = await rotateSecrets(database.db, newVault, noteColumns, { batchSize: 40 });
    expect(resumed.rotated).toBe(300 - 3 * 40);
    expect(await keyIds(database)).toEqual(["k2"]);
    expect(await readNotes(database.db, newVault)).toEqual(expected);
  });

  it("never overwrites what a running instance writes meanwhile", async () => {
    const expected = await seedNotes(database.db, oldVault, 400);
    const ids = [...expected.keys()];
    let rotating = true;
    const writer = (async () => {
      // An instance not yet restarted with the new key keeps writing under the old one.
      for (let i = 0; rotating && i < 20_000; i++) {
        const id = ids[(i * 7919) % ids.length] as string;
        const value = `rewritten-${i}`;
        const vault = i % 2 === 0 ? oldVault : newVault;
        await database.db
          .update(notes)
          .set({ secret: vault.encrypt(value, noteLocation(id)) })
          .where(eq(notes.id, id));
        expected.set(id, value);
      }
    })();
    // The writer stops half-way, and is waited for, so the final count sees all it wrote.
    const result = await rotateSecrets(database.db, newVault, noteColumns, {
      batchSize: 25,
      onBatch: async ({ rotated }) => {
        if (rotated < 200) return;
        rotating = false;
        await writer;
      },
    });

    expect(result.conflicts + result.rotated).toBeGreaterThan(0);
    expect(await readNotes(database.db, newVault)).toEqual(expected);
    const stillOld = (await database.db.select().from(notes)).filter((r) =>
      newVault.isStale(r.secret ?? ""),
    ).length;
    expect(result.remaining).toBe(stillOld);
    expect(result.failed).toEqual([]);
    // A second pass once every instance writes with the new key finishes the job.
    await rotateSecrets(database.db, newVault, noteColumns);
    expect(await keyIds(database)).toEqual(["k2"]);
  });

  it("reports a secret no key opens, rotates the rest, and takes a new value for it", async () => {
    const expected = await seedNotes(database.db, oldVault, 20);
    const [brokenId, movedId, donorId] = [...expected.keys()] as [string, string, string];
    const lost = new Vault(parseKeyRing(generateKeySpec("k0"), "test"));
    await database.db
      .update(notes)
      .set({ secret: lost.encrypt("unrecoverable", noteLocation(brokenId)) })
      .where(eq(notes.id, brokenId));
    // A ciphertext copied from another row is refused for its new row.
    const [donor] = await database.db.select().from(notes).where(eq(notes.id, donorId));
    await database.db
      .update(notes)
      .set({ secret: donor?.secret ?? null })
      .where(eq(notes.id, movedId));

    const result = await rotateSecrets(database.db, newVault, noteColumns);
    expect(result.rotated).toBe(18);
    expect(result.failed).toEqual(
      [
        { table: "test_notes", field: "secret", id: brokenId, reason: "unknown_key" },
        { table: "test_notes", field: "secret", id: movedId, reason: "authentication_failed" },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(result.remaining).toBe(0);

    const [row] = await database.db.select().from(notes).where(eq(notes.id, brokenId));
    expect(() => newVault.decrypt(row?.secret ?? "", noteLocation(brokenId))).toThrow(
      VaultDecryptError,
    );
    // Entering the secret again overwrites the row that could not be opened.
    await database.db
      .update(notes)
      .set({ secret: newVault.encrypt("entered again", noteLocation(brokenId)) })
      .where(eq(notes.id, brokenId));
    const [fixed] = await database.db.select().from(notes).where(eq(notes.id, brokenId));
    expect(newVault.decrypt(fixed?.secret ?? "", noteLocation(brokenId))).toBe("entered again");
  });
});
