// `npm run bench:streaming`: how long a server's progress notification takes to reach the client,
// through the gateway (/mcp/streaming, an SSE answer relayed event by event) and straight from the
// hosted process, in the same run. The server is the gateway tests' streaming server; its `pulse`
// tool stamps each notification with the moment it sends it (performance.timeOrigin + now(): one
// clock for every process on this machine) and the client here subtracts that from its arrival.

import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { CONTEXT_HEADER, mintContext } from "@gumstack/runtime";
import { type GatewayReady, parseGatewayReady } from "./gateway/ready.js";
import { repoRoot, type Started, startChild, stopChild } from "./shared/child-process.js";
import { percentile } from "./shared/load.js";
import { table } from "./shared/table.js";
import { pulse } from "./streaming/pulse.js";

const SERVER = join(repoRoot, "apps/platform/src/gateway/testing/streaming-server");
// Spaced out, so each event travels alone: this measures the hop, not a queue.
const EVENTS_PER_ROUND = 2_000;
const EVERY_MS = 1;
const WARM_UP_EVENTS = 500;
const ROUNDS = ["direct", "gateway", "gateway", "direct"] as const;
const START_TIMEOUT_MS = 120_000;

type Route = (typeof ROUNDS)[number];

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "gumstack-bench-streaming-"));
  let platform: Started<GatewayReady> | undefined;
  try {
    platform = await startChild({
      name: "platform",
      script: "bench/gateway/platform-server.ts",
      args: [join(tmp, "data"), SERVER],
      timeoutMs: START_TIMEOUT_MS,
      parse: parseGatewayReady,
    });
    const ready = platform.ready;
    const routes: Record<Route, { url: string; headers: () => Record<string, string> }> = {
      direct: {
        url: ready.directUrl,
        // As the gateway signs one for each request.
        headers: () => ({
          [CONTEXT_HEADER]: mintContext(
            ready.runtimeSecret,
            { userId: ready.userId, serverId: ready.serverId, requestId: randomUUID() },
            Date.now(),
          ),
        }),
      },
      gateway: {
        url: ready.gatewayUrl,
        headers: () => ({ authorization: `Bearer ${ready.apiKey}` }),
      },
    };
    for (const route of ["direct", "gateway"] as const)
      await pulse(routes[route].url, routes[route].headers(), WARM_UP_EVENTS, EVERY_MS);
    const seen: Record<Route, number[]> = { direct: [], gateway: [] };
    const rows: string[][] = [];
    for (const [i, route] of ROUNDS.entries()) {
      const { url, headers } = routes[route];
      const latencies = await pulse(url, headers(), EVENTS_PER_ROUND, EVERY_MS);
      seen[route].push(...latencies);
      rows.push([`${i + 1} ${route}`, ...summary(latencies)]);
    }
    for (const route of ["direct", "gateway"] as const)
      rows.push([`all ${route}`, ...summary(seen[route])]);
    const p = (route: Route, at: number) =>
      percentile(
        [...seen[route]].sort((a, b) => a - b),
        at,
      );
    process.stdout.write(
      `node ${process.version}, ${availableParallelism()} cores, shared by this client, the platform and the hosted process\n` +
        `server: the streaming server's pulse tool, ${EVENTS_PER_ROUND.toLocaleString("en-US")} progress notifications per round, one every ${EVERY_MS} ms, on one SSE answer\n` +
        "direct:  the hosted process's own /mcp, with a context signed here as the gateway signs one\n" +
        "gateway: /mcp/streaming on the platform, Authorization: Bearer <API key>\n" +
        "latency: from the server's send (its clock) to the event's arrival here (the same clock), ms\n\n" +
        `${table(["round", "events", "p50 ms", "p99 ms", "max ms"], rows)}\n\n` +
        `added by the gateway: p50 ${(p("gateway", 50) - p("direct", 50)).toFixed(3)} ms, ` +
        `p99 ${(p("gateway", 99) - p("direct", 99)).toFixed(3)} ms (no target)\n`,
    );
  } finally {
    if (platform) await stopChild(platform.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

function summary(latencies: readonly number[]): string[] {
  const sorted = [...latencies].sort((a, b) => a - b);
  return [
    String(sorted.length),
    percentile(sorted, 50).toFixed(3),
    percentile(sorted, 99).toFixed(3),
    (sorted.at(-1) ?? 0).toFixed(3),
  ];
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
