import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lost, problems, type Results, tally } from "./suite/checks.js";
import { runServerSuite, serverScenarios } from "./suite/run-suite.js";
import { resultsTable } from "./suite/table.js";
import { startBareSdk } from "./targets/bare-sdk.js";
import { startPlatformTarget } from "./targets/platform.js";
import { startStandalone } from "./targets/standalone.js";
import type { Target } from "./targets/target.js";

/** A target's start, or a whole suite run, with room for a loaded 2-core machine. */
const LIMIT_MS = 240_000;
/** Suites run at once against one target, in the concurrency checks. */
const AT_ONCE = 3;

/**
 * The official MCP conformance suite (every server scenario, pending ones included) against the
 * same McpServer served three ways. The bare SDK is the reference: whatever passes there must
 * pass through Gumstack too, in the standalone host and behind the platform's gateway, one
 * client at a time and several at once.
 */
describe("the MCP conformance suite's server scenarios", () => {
  const rows: Array<{ name: string; results: Results }> = [];
  let baseline: Results;

  beforeAll(async () => {
    const target = await startBareSdk();
    try {
      baseline = await runServerSuite(target.url, "all");
      rows.push({ name: target.name, results: baseline });
    } finally {
      await target.close();
    }
  }, LIMIT_MS);

  afterAll(() => {
    process.stdout.write(`\nMCP conformance, server scenarios:\n${resultsTable(rows)}\n\n`);
  });

  it("runs every server scenario the suite lists, and the bare SDK passes every check", async () => {
    expect([...baseline.keys()].sort()).toEqual((await serverScenarios()).sort());
    expect(problems(baseline).filter((line) => line.includes(" FAILURE: "))).toEqual([]);
    // Sanity: a run that checked nothing would pass the comparisons below.
    expect(tally(baseline).passed).toBeGreaterThanOrEqual(40);
  });

  for (const [what, start] of [
    ["GumstackHost.run()", startStandalone],
    ["the platform's gateway", startPlatformTarget],
  ] as const) {
    describe(what, () => {
      let target: Target;
      beforeAll(async () => {
        target = await start();
      }, LIMIT_MS);
      afterAll(() => target?.close());

      it(
        "passes every check the bare SDK passes",
        async () => {
          const results = await runServerSuite(target.url, "all");
          rows.push({ name: target.name, results });
          expect(lost(baseline, results)).toEqual([]);
        },
        LIMIT_MS,
      );

      it(
        `passes them all in each of ${AT_ONCE} suites run at once`,
        async () => {
          // Their sessions share one McpServer: each client's elicitations, sampling, progress
          // and logs must reach that client only, or some run's checks fail.
          const runs = await Promise.all(
            Array.from({ length: AT_ONCE }, () => runServerSuite(target.url, "all")),
          );
          for (const results of runs) expect(lost(baseline, results)).toEqual([]);
        },
        LIMIT_MS,
      );
    });
  }
});
