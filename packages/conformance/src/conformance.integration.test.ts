import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passing, problems, type Results, tally } from "./suite/checks.js";
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
      const { results } = await runServerSuite(target.url, "all");
      rows.push({ name: target.name, results });
      return results;
    } finally {
      await target.close();
    }
  }

  /** What passed on the bare SDK and not here, each with the suite's message. */
  function lostAgainstBaseline(results: Results): string[] {
    const here = passing(results);
    const lost = [...passing(baseline)].filter((key) => !here.has(key));
    const messages = problems(results);
    return lost.map((key) => {
      const own = messages.find((line) => line.startsWith(`${key} `));
      if (own) return own;
      // Not made at all: the scenario stopped before it, and says why in another check.
      const scenario = key.slice(0, key.indexOf("/"));
      const why = messages.filter((line) => line.startsWith(`${scenario}/`));
      return `${key}: not checked (${why.join("; ") || "the scenario did not run"})`;
    });
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
      expect(lostAgainstBaseline(await suiteAgainst(startStandalone))).toEqual([]);
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
        for (const { results } of runs) expect(lostAgainstBaseline(results)).toEqual([]);
      } finally {
        await target.close();
      }
    },
    TARGET_LIMIT_MS,
  );

  it(
    "the platform's gateway passes every check the bare SDK passes",
    async () => {
      expect(lostAgainstBaseline(await suiteAgainst(startPlatformTarget))).toEqual([]);
    },
    TARGET_LIMIT_MS,
  );
});
