import { fork } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDatabase } from "./client.js";
import { DataDirInUseError } from "./data-dir-lock.js";
import { migrate } from "./migrate.js";
import { rowsOf } from "./rows.js";
import { vaultCanaries } from "./schema/index.js";

describe("the embedded database (PGlite)", () => {
  it("survives a restart in its data folder", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "gumstack-db-")), "data");
    const first = await createDatabase({ dataDir });
    await migrate(first.db);
    await first.db.insert(vaultCanaries).values({ keyId: "k1", ciphertext: "kept" });
    await first.close();

    const second = await createDatabase({ dataDir });
    try {
      expect(await second.db.select().from(vaultCanaries)).toMatchObject([
        { keyId: "k1", ciphertext: "kept" },
      ]);
      expect((await migrate(second.db)).applied).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it("refuses a second process on the same data folder and frees it on close", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "gumstack-db-")), "data");
    const holder = await createDatabase({ dataDir });
    // Another live process owns the lock: as if it had opened the folder first.
    const child = fork("-e", ["setTimeout(() => {}, 60_000)"], { execArgv: [] });
    try {
      await holder.close();
      writeFileSync(`${dataDir}.lock`, String(child.pid));
      await expect(createDatabase({ dataDir })).rejects.toThrow(DataDirInUseError);
      await expect(createDatabase({ dataDir })).rejects.toThrow(`in use by process ${child.pid}`);
    } finally {
      child.kill();
    }
    await new Promise((resolve) => child.once("exit", resolve));
    // Its owner gone, the stale lock is taken over.
    const next = await createDatabase({ dataDir });
    await next.close();
  });

  it("creates a new folder's cluster whole, beside it, and keeps the shared buffers asked for", async () => {
    const parent = mkdtempSync(join(tmpdir(), "gumstack-db-"));
    const dataDir = join(parent, "data");
    // What a start killed half-way through creating the cluster left behind.
    mkdirSync(`${dataDir}.initdb/base`, { recursive: true });
    const database = await createDatabase({ dataDir, sharedBuffers: "16MB" });
    try {
      expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
      expect(readdirSync(parent).sort()).toEqual(["data", "data.lock"]);
      const [row] = rowsOf<{ shared_buffers: string }>(
        await database.db.execute(sql`show shared_buffers`),
      );
      expect(row?.shared_buffers).toBe("16MB");
    } finally {
      await database.close();
    }
  });

  it("takes an empty folder made beforehand", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gumstack-db-"));
    const database = await createDatabase({ dataDir });
    await database.close();
    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
  });

  it("refuses a folder that holds files but no database, and leaves them alone", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gumstack-db-"));
    writeFileSync(join(dataDir, "notes.txt"), "mine");
    await expect(createDatabase({ dataDir })).rejects.toThrow(
      `${dataDir} holds files but no embedded database`,
    );
    expect(readdirSync(dataDir)).toEqual(["notes.txt"]);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
