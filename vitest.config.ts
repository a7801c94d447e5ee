import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript source under this condition (see package.json
// "exports"), so tests and `tsx` run the code as written, with no build step in between.
const conditions = ["gumstack-source", "node", "import", "default"];

/** One vitest project per workspace package, named as the package, and one for scripts/. */
const packages = ["packages", "apps"].flatMap((group) =>
  readdirSync(group)
    .map((dir) => join(group, dir))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({
      extends: true as const,
      test: {
        name: (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string })
          .name,
        root: dir,
        include: ["src/**/*.test.ts"],
      },
    })),
);
const projects = [
  ...packages,
  { extends: true as const, test: { name: "scripts", root: "scripts", include: ["*.test.ts"] } },
];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    projects,
    reporters: ["default", "./scripts/summary-reporter.ts"],
    // A hang guard, not a speed check: tests that start processes need room on a loaded 2-core box.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
