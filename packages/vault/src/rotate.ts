import { type Database, type EncryptedColumn, rowsOf } from "@gumstack/db";
import { and, asc, getTableName, gt, isNotNull, sql } from "drizzle-orm";
import { type DecryptFailure, VaultDecryptError } from "./errors.js";
import type { Vault } from "./vault.js";

export interface RotationProgress {
  table: string;
  field: string;
  /** Rewritten under the primary key so far, in this column. */
  rotated: number;
}

export interface RotationFailure {
  table: string;
  field: string;
  id: string;
  reason: DecryptFailure;
}

export interface RotationResult {
  rotated: number;
  /** Rows a writer changed between our read and our write; theirs stands. */
  conflicts: number;
  /** Secrets no key in the ring opens: left as they are, to be entered again. */
  failed: RotationFailure[];
  /** Secrets still not under the primary key after the pass (besides `failed`). */
  remaining: number;
}

export interface RotationOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onBatch?: (progress: RotationProgress) => void | Promise<void>;
}

/**
 * Rewrites every secret not under the primary key, column by column, in batches ordered by id.
 * Each write is a compare-and-set on the old ciphertext, so a secret written by the running
 * platform meanwhile is never overwritten with stale data. Reads keep working throughout: both
 * keys stay in the ring. Nothing is kept about progress because the data is the progress: rows
 * already under the primary key are skipped, so a run that crashed resumes by running again.
 */
export async function rotateSecrets(
  db: Database,
  vault: Vault,
  columns: readonly EncryptedColumn[],
  options: RotationOptions = {},
): Promise<RotationResult> {
  const batchSize = options.batchSize ?? 500;
  const prefix = vault.primaryPrefix;
  const result: RotationResult = { rotated: 0, conflicts: 0, failed: [], remaining: 0 };
  for (const column of columns) {
    const table = getTableName(column.table);
    const field = column.value.name;
    const stale = and(isNotNull(column.value), sql`not starts_with(${column.value}, ${prefix})`);
    let cursor = "";
    let rotated = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const batch = await db
        .select({ id: column.id, value: column.value })
        .from(column.table)
        .where(and(gt(column.id, cursor), stale))
        .orderBy(asc(column.id))
        .limit(batchSize);
      if (batch.length === 0) break;
      await db.transaction(async (tx) => {
        for (const row of batch) {
          const id = String(row.id);
          const where = { table, id, field };
          let plaintext: string;
          try {
            plaintext = vault.decrypt(String(row.value), where);
          } catch (error) {
            if (!(error instanceof VaultDecryptError)) throw error;
            result.failed.push({ ...where, reason: error.reason });
            continue;
          }
          const written = rowsOf(
            await tx.execute(sql`
              update ${column.table} set ${sql.identifier(field)} = ${vault.encrypt(plaintext, where)}
              where ${column.id} = ${id} and ${column.value} = ${row.value}
              returning 1`),
          );
          if (written.length === 1) rotated++;
          else result.conflicts++;
        }
      });
      cursor = String(batch.at(-1)?.id);
      await options.onBatch?.({ table, field, rotated });
    }
    result.rotated += rotated;
    const [left] = rowsOf<{ count: number | string }>(
      await db.execute(sql`select count(*) as count from ${column.table} where ${stale}`),
    );
    result.remaining += Number(left?.count ?? 0);
  }
  result.remaining -= result.failed.length;
  return result;
}
