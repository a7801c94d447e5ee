import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Each *.fixture.ts here is one way a run can fail (or pass), run alone by
// summary-reporter.test.ts with only the summary reporter, to read the line it ends on.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["*.fixture.ts"],
    reporters: [fileURLToPath(new URL("../summary-reporter.ts", import.meta.url))],
  },
});
