import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lost, problems, type Results, tally } from "./suite/checks.js";
import { runServerSuite, serverScenarios } from "./suite/run-suite.js";
import { resultsTable } from "./suite/table.js";
import { startBareSdk } from "./targets/bare-sdk.js";
import { startPlatformTarget } from "./targets/platform.js";
import { startStandalone } from "./targets/standalone.js";
import type { Target } from "./targets/target.js";

/** A target's start and a whole suite run, with room for a loaded 2-core machine. */
const TARGET_LIMIT_MS = 240_000;

/**
 * The official MCP conformance suite (every server scenario, pending ones included) against the
 * same McpServer served three ways. The bare SDK is the reference: whatever passes there must
 * pass through Gumstack too, in the standalone host and behind the platform's gateway.
 */
describe("the MCP conformance suite's server scenarios", () => {
  const rows: Array<{ name: string; results: Results }> = [];
  let baseline: Results;

  async function suiteAgainst(start: () => Promise<Target>): Promise<Results> {
    const target = await start();
    try {
      const results = await runServerSuite(target.url, "all");
      rows.push({ name: target.name, results });
      return results;
    } finally {
      await target.close();
    }
  }

  beforeAll(async () => {
    baseline = await suiteAgainst(startBareSdk);
  }, TARGET_LIMIT_MS);

  afterAll(() => {
    process.stdout.write(`\nMCP conformance, server scenarios:\n${resultsTable(rows)}\n\n`);
  });

  it("runs every server scenario the suite lists, and the bare SDK passes every check", async () => {
    expect([...baseline.keys()].sort()).toEqual((await serverScenarios()).sort());
    expect(problems(baseline).filter((line) => line.includes(" FAILURE: "))).toEqual([]);
    // Sanity: a run that checked nothing would pass the comparisons below.
    expect(tally(baseline).passed).toBeGreaterThanOrEqual(40);
  });

  it(
    "GumstackHost.run() passes every check the bare SDK passes",
    async () => {
      expect(lost(baseline, await suiteAgainst(startStandalone))).toEqual([]);
    },
    TARGET_LIMIT_MS,
  );

  it(
    "three suites at once against one GumstackHost.run() each pass every check the bare SDK passes",
    async () => {
      // Their sessions share one McpServer: each client's elicitations, sampling, progress and
      // logs must reach that client only, or some run's checks fail.
      const target = await startStandalone();
      try {
        const runs = await Promise.all([1, 2, 3].map(() => runServerSuite(target.url, "all")));
        for (const results of runs) expect(lost(baseline, results)).toEqual([]);
      } finally {
        await target.close();
      }
    },
    TARGET_LIMIT_MS,
  );

  it(
    "the platform's gateway passes every check the bare SDK passes",
    async () => {
      expect(lost(baseline, await suiteAgainst(startPlatformTarget))).toEqual([]);
    },
    TARGET_LIMIT_MS,
  );
});
