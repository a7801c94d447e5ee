// A GumstackHost (auth none) for the runner's tests. At start it creates a user and prints their
// API key ("fixture api key: gsk_…"), then serves two tools:
//   slow { ms, until? }  waits ms milliseconds (or, given a file path, until that file exists,
//                        at most ms), then answers "done on port <port>": which process
//                        answered (each has a port of its own; in a sandbox, every pid is 2)
//   env                  the sorted names of the variables its tools can see
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { GumstackHost, getCredentials } from "@gumstack/sdk";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const MAX_WAIT_MS = 30_000;
const POLL_MS = 20;

/** Waits `ms`, or until the file at `until` exists, whichever comes first. */
async function wait(ms: number, until: string | undefined) {
  const deadline = performance.now() + Math.min(Math.max(ms, 0), MAX_WAIT_MS);
  if (until === undefined) return sleep(deadline - performance.now());
  while (!existsSync(until) && performance.now() < deadline) await sleep(POLL_MS);
}

const mcp = new McpServer({ name: "runner-fixture", version: "1.0.0" });
mcp.registerTool(
  "slow",
  {
    description: "Waits, then says which process answered",
    inputSchema: { ms: z.number(), until: z.string().optional() },
  },
  async ({ ms, until }) => {
    await wait(ms, until);
    return { content: [{ type: "text", text: `done on port ${process.env.GUMSTACK_PORT}` }] };
  },
);
mcp.registerTool(
  "env",
  { description: "The names of the variables this server's tools can see" },
  () => ({
    content: [{ type: "text", text: Object.keys(getCredentials("none")).sort().join(",") }],
  }),
);
const host = new GumstackHost(mcp, {
  name: "runner-fixture",
  description: "The runner's test server",
  auth: { type: "none", env: [] },
});
// Before listening, so that the key is in the output by the time /healthz answers 200.
const { apiKey } = await host.addUser(`tester-${process.pid}`);
process.stdout.write(`fixture api key: ${apiKey}\n`);
await host.run([]);
