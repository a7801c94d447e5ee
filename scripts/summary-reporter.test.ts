import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const config = "scripts/summary-reporter.fixtures/vitest.config.ts";

/** Runs one fixture file in its own vitest, as `npm test` runs the suite: exit code and last line. */
function runFixture(name: string): Promise<{ code: number | null; summary: string }> {
  // The vitest running this test marks its workers; the one started here must not see that.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")),
  );
  const child = spawn(
    process.execPath,
    ["scripts/run.mjs", "vitest", "run", "--config", config, `${name}.fixture.ts`],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      const lines = output.trim().split("\n");
      resolve({ code, summary: lines.findLast((line) => line.startsWith("tests: ")) ?? output });
    });
  });
}

describe("the summary line (a real vitest run per fixture in summary-reporter.fixtures)", () => {
  it.each([
    ["passes", 0, "tests: 1 passed, 0 failed, 1 skipped"],
    ["before-all", 1, "tests: 0 passed, 2 failed, 0 skipped"],
    ["after-all", 1, "tests: 1 passed, 1 failed, 0 skipped"],
    ["load", 1, "tests: 0 passed, 1 failed, 0 skipped"],
    ["unhandled", 1, "tests: 1 passed, 1 failed, 0 skipped"],
  ])("%s.fixture.ts: exit code %i and %s", async (name, code, summary) => {
    expect(await runFixture(name)).toEqual({ code, summary });
  });
});
