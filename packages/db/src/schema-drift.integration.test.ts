import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { defaultMigrationsFolder } from "./migrate.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("the committed migrations", () => {
  it("match the schema: drizzle-kit has nothing left to generate", async () => {
    // On a copy, so that a forgotten migration fails here instead of being written into the repo.
    // drizzle-kit takes --out as relative to the working folder, hence a folder inside it.
    mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
    const out = mkdtempSync(join(root, "node_modules/.cache/gumstack-drift-"));
    cpSync(defaultMigrationsFolder, out, { recursive: true });
    try {
      const before = readdirSync(out).length;
      const { stdout } = await promisify(execFile)(
        join(root, "node_modules/.bin/drizzle-kit"),
        [
          "generate",
          "--dialect",
          "postgresql",
          "--casing",
          "snake_case",
          "--schema",
          "packages/db/src/schema/*.ts",
          "--out",
          relative(root, out),
        ],
        { cwd: root },
      );
      expect(stdout).toContain("No schema changes");
      expect(readdirSync(out)).toHaveLength(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
