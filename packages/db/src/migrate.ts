import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { rowsOf } from "./rows.js";

export const defaultMigrationsFolder = fileURLToPath(
  new URL("../../../migrations", import.meta.url),
);

export interface Migration {
  name: string;
  hash: string;
  statements: string[];
}

export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

/** Reads drizzle-kit's journal and the SQL files it names, in order. */
export function readMigrations(folder = defaultMigrationsFolder): Migration[] {
  const journal: unknown = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8"));
  if (
    typeof journal !== "object" ||
    journal === null ||
    !("entries" in journal) ||
    !Array.isArray(journal.entries)
  ) {
    throw new MigrationError(`${folder}/meta/_journal.json has no entries list`);
  }
  return journal.entries.map((entry: unknown) => {
    const tag = typeof entry === "object" && entry !== null && "tag" in entry ? entry.tag : null;
    if (typeof tag !== "string")
      throw new MigrationError(`a journal entry in ${folder} has no tag`);
    const text = readFileSync(join(folder, `${tag}.sql`), "utf8");
    return {
      name: tag,
      hash: createHash("sha256").update(text).digest("hex"),
      statements: text
        .split("--> statement-breakpoint")
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    };
  });
}

// Any fixed number: every Gumstack process that migrates this database takes the same lock.
const MIGRATION_LOCK = 7_262_937_741;

export interface MigrateResult {
  applied: string[];
  /** The newest migration in the database after the run. */
  current: string | null;
}

/**
 * Applies the pending migrations in one transaction under an advisory lock, so two processes
 * starting at once apply each migration once and the loser sees the winner's work. Refuses a
 * database that holds a migration this code does not know (migrated by newer code) or whose
 * recorded hash differs from the file (a migration edited after it shipped).
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[] = readMigrations(),
): Promise<MigrateResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.execute(sql`
      create table if not exists gumstack_migrations (
        id integer primary key,
        name text not null unique,
        hash text not null,
        applied_at timestamptz not null default now()
      )`);
    const applied = rowsOf<{ id: number; name: string; hash: string }>(
      await tx.execute(sql`select id, name, hash from gumstack_migrations order by id`),
    );
    for (const row of applied) {
      const known = migrations[row.id];
      if (known === undefined || known.name !== row.name) {
        throw new MigrationError(
          `the database was migrated by newer code: it has migration "${row.name}", which this ` +
            `build does not know (it knows ${migrations.length}). Upgrade Gumstack before starting it here.`,
        );
      }
      if (known.hash !== row.hash) {
        throw new MigrationError(
          `migration "${row.name}" differs from the one applied to this database; ` +
            "a shipped migration must never change: add a new one instead.",
        );
      }
    }
    const pending = migrations.slice(applied.length);
    for (const [offset, migration] of pending.entries()) {
      for (const statement of migration.statements) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`insert into gumstack_migrations (id, name, hash) values (${applied.length + offset}, ${migration.name}, ${migration.hash})`,
      );
    }
    return {
      applied: pending.map((m) => m.name),
      current: migrations.at(applied.length + pending.length - 1)?.name ?? null,
    };
  });
}
