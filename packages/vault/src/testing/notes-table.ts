import { type Database, type EncryptedColumn, newId } from "@gumstack/db";
import { sql } from "drizzle-orm";
import { pgTable, text } from "drizzle-orm/pg-core";
import type { Vault } from "../vault.js";

/**
 * A table that exists only in the vault's tests: the vault works on any encrypted column, and
 * these tests should not wait for the product's tables to exist.
 */
export const notes = pgTable("test_notes", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  secret: text("secret"),
});

export const noteColumns: EncryptedColumn[] = [{ table: notes, id: notes.id, value: notes.secret }];

export const noteLocation = (id: string) => ({ table: "test_notes", id, field: "secret" });

export async function createNotesTable(db: Database): Promise<void> {
  await db.execute(
    sql`create table test_notes (id text primary key, title text not null, secret text)`,
  );
}

/** Stores `count` secrets; returns id → plaintext. */
export async function seedNotes(
  db: Database,
  vault: Vault,
  count: number,
): Promise<Map<string, string>> {
  const expected = new Map<string, string>();
  const rows = Array.from({ length: count }, (_, i) => {
    const id = newId("canary").replace("vkc_", "note_");
    const plaintext = `secret-${i}-${id}`;
    expected.set(id, plaintext);
    return { id, title: `note ${i}`, secret: vault.encrypt(plaintext, noteLocation(id)) };
  });
  for (let i = 0; i < rows.length; i += 500) await db.insert(notes).values(rows.slice(i, i + 500));
  return expected;
}

export async function readNotes(db: Database, vault: Vault): Promise<Map<string, string>> {
  const rows = await db.select().from(notes);
  return new Map(rows.map((r) => [r.id, vault.decrypt(r.secret ?? "", noteLocation(r.id))]));
}
