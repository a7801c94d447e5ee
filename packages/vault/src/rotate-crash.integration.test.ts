import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, type DatabaseHandle, migrate } from "@gumstack/db";
import { createScratchDatabase, spawnTypeScript, testDriver } from "@gumstack/db/testing";
import { describe, expect, it } from "vitest";
import { generateKeySpec, parseKeyRing } from "./key-ring.js";
import { rotateSecrets } from "./rotate.js";
import { createNotesTable, noteColumns, readNotes, seedNotes } from "./testing/notes-table.js";
import { Vault } from "./vault.js";

const k1 = generateKeySpec("k1");
const k2 = generateKeySpec("k2");

describe(`key rotation killed with SIGKILL [${testDriver}]`, () => {
  it("loses nothing, and the next run finishes", async () => {
    const scratch = await createScratchDatabase();
    const dataDir = join(mkdtempSync(join(tmpdir(), "gumstack-rotate-")), "data");
    const open = (): Promise<DatabaseHandle> =>
      createDatabase(scratch.url ? { url: scratch.url } : { dataDir });
    const oldVault = new Vault(parseKeyRing(k1, "test"));
    const newVault = new Vault(parseKeyRing(`${k2},${k1}`, "test"));

    let database = await open();
    await migrate(database.db);
    await createNotesTable(database.db);
    const expected = await seedNotes(database.db, oldVault, 200);
    await database.close();

    const child = spawnTypeScript(
      fileURLToPath(new URL("./testing/rotate-child.ts", import.meta.url)),
      {
        env: {
          ROTATE_KEYS: `${k2},${k1}`,
          ...(scratch.url ? { ROTATE_DATABASE_URL: scratch.url } : { ROTATE_DATA_DIR: dataDir }),
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    const killed = new Promise<NodeJS.Signals | null>((resolve) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if ((output.match(/rotated/g) ?? []).length >= 3) child.kill("SIGKILL");
      });
      child.once("exit", (_code, signal) => resolve(signal));
    });
    expect(await killed).toBe("SIGKILL");
    expect(output).not.toContain("done");

    database = await open();
    try {
      expect(await readNotes(database.db, newVault)).toEqual(expected);
      const result = await rotateSecrets(database.db, newVault, noteColumns);
      expect(result.rotated).toBeGreaterThan(0);
      expect(result.rotated).toBeLessThan(200);
      expect(result.failed).toEqual([]);
      expect(result.remaining).toBe(0);
      expect(await readNotes(database.db, newVault)).toEqual(expected);
    } finally {
      await database.close();
      await scratch.drop();
    }
  });
});
