// Run by rotate-crash.integration.test.ts as its own process, to be killed mid-rotation.
import { createDatabase } from "@gumstack/db";
import { parseKeyRing } from "../key-ring.js";
import { rotateSecrets } from "../rotate.js";
import { Vault } from "../vault.js";
import { noteColumns } from "./notes-table.js";

const { ROTATE_DATABASE_URL: url, ROTATE_DATA_DIR: dataDir, ROTATE_KEYS: keys } = process.env;
const database = await createDatabase(url ? { url } : { dataDir: dataDir as string });
const vault = new Vault(parseKeyRing(keys as string, "ROTATE_KEYS"));
await rotateSecrets(database.db, vault, noteColumns, {
  batchSize: 10,
  onBatch: async ({ rotated }) => {
    process.stdout.write(`rotated ${rotated}\n`);
    // Slow enough that the parent's kill lands mid-run, whatever the machine's speed.
    await new Promise((resolve) => setTimeout(resolve, 50));
  },
});
process.stdout.write("done\n");
await database.close();
