// `npm run bench:proxied`: a proxied stdio server's `echo` through the gateway, side by side in
// one run with (a) the same server driven directly by the SDK's stdio client and (b) the same
// server behind mcp-proxy (npm; the most used TypeScript stdio-to-HTTP proxy), at 1 and 10 calls
// in flight, warm processes. The server is the registry's @modelcontextprotocol/server-everything
// (pinned). Issue 14's targets: at least 3x mcp-proxy's calls/s at 10, and at most 1 ms added p50
// over direct stdio at 1. Then the cold start of a per-user process (apps/example-proxied: npx
// and the registry's server-memory, sandboxed) for 10 new users, and each process's memory.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@gumstack/sdk/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { BENCH_ADMIN, type GatewayReady, parseGatewayReady } from "./gateway/ready.js";
import { measureColdStart, p50 } from "./proxied/cold-start.js";
import { drive, MESSAGE } from "./proxied/drive.js";
import { repoRoot, type Started, startChild, stopChild } from "./shared/child-process.js";
import type { Driven } from "./shared/closed-loop.js";
import { McpLoad } from "./shared/mcp-load.js";
import { treeCpuMs } from "./shared/proc.js";
import { table } from "./shared/table.js";

const EVERYTHING = join(
  repoRoot,
  "node_modules/@modelcontextprotocol/server-everything/dist/index.js",
);
const MCP_PROXY = join(repoRoot, "node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs");
const SERVER_FILE = join(repoRoot, "bench/proxied/everything.yaml");
const PER_USER_SERVER = join(repoRoot, "apps/example-proxied");
const COLD_USERS = 10;
const SECONDS = 5;
const WARM_UP_SECONDS = 1;
const START_TIMEOUT_MS = 120_000;
const ROUTES = ["direct stdio", "gumstack gateway", "mcp-proxy"] as const;
type Route = (typeof ROUTES)[number];

const ECHO = { name: "echo", arguments: { message: MESSAGE } };

const newClient = () => new Client({ name: "bench-proxied", version: "1.0.0" });

/** A route's load at one number of calls in flight, and the processes that serve it. */
interface Load {
  run(seconds: number): Promise<Driven>;
  close(): Promise<void>;
}

type Measured = Driven & { serverCpuPerCall: number };

/** The mean of each figure over rounds. */
function meanOf(rounds: readonly Measured[]): Measured {
  const mean = (pick: (round: Measured) => number) =>
    rounds.reduce((sum, round) => sum + pick(round), 0) / rounds.length;
  return {
    calls: mean((r) => r.calls),
    callsPerSecond: mean((r) => r.callsPerSecond),
    p50: mean((r) => r.p50),
    p99: mean((r) => r.p99),
    clientCpuPerCall: mean((r) => r.clientCpuPerCall),
    serverCpuPerCall: mean((r) => r.serverCpuPerCall),
  };
}

/** The server-side processes' CPU (each with its descendants) per call, in µs. */
async function measured(load: Load, seconds: number, pids: readonly number[]): Promise<Measured> {
  const cpuOf = () => pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0);
  const before = cpuOf();
  const result = await load.run(seconds);
  return { ...result, serverCpuPerCall: ((cpuOf() - before) * 1000) / result.calls };
}

/** mcp-proxy serving server-everything's stdio as Streamable HTTP at /mcp; ready once it answers. */
async function startMcpProxy(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      MCP_PROXY,
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "--",
      process.execPath,
      EVERYTHING,
      "stdio",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const url = `http://127.0.0.1:${port}/mcp`;
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until) {
    try {
      const probe = await McpLoad.open({ name: "mcp-proxy", url, call: ECHO, expect: MESSAGE }, 1);
      await probe.close();
      return { child, url };
    } catch {
      // Not listening yet: try again shortly (bounded by START_TIMEOUT_MS).
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`mcp-proxy did not answer at ${url} within ${START_TIMEOUT_MS / 1000} s`);
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "gumstack-bench-proxied-"));
  let platform: Started<GatewayReady> | undefined;
  let proxy: { child: ChildProcess; url: string } | undefined;
  let direct: Client | undefined;
  try {
    platform = await startChild({
      name: "platform",
      script: "bench/gateway/platform-server.ts",
      args: [join(tmp, "data"), SERVER_FILE],
      timeoutMs: START_TIMEOUT_MS,
      parse: parseGatewayReady,
    });
    proxy = await startMcpProxy();
    const stdio = new StdioClientTransport({
      command: process.execPath,
      args: [EVERYTHING, "stdio"],
      stderr: "ignore",
    });
    direct = newClient();
    await direct.connect(stdio);
    const directClient = direct;
    const http =
      (name: string, url: string, headers: Record<string, string> = {}) =>
      (n: number) =>
        McpLoad.open({ name, url, headers, call: ECHO, expect: MESSAGE }, n);
    const routes: Record<Route, { open(n: number): Promise<Load>; pids: number[] }> = {
      // One stdio pipe, n calls in flight on it: the SDK's stdio client, the baseline.
      "direct stdio": {
        open: async (n) => ({
          run: (seconds) =>
            drive(
              Array.from({ length: n }, () => directClient),
              seconds,
            ),
          close: async () => {},
        }),
        pids: [stdio.pid as number],
      },
      // The platform's tree: the gateway, the bridge process and server-everything under it.
      "gumstack gateway": {
        open: http("gateway", platform.ready.gatewayUrl, {
          authorization: `Bearer ${platform.ready.apiKey}`,
        }),
        pids: [platform.ready.platformPid],
      },
      "mcp-proxy": { open: http("mcp-proxy", proxy.url), pids: [proxy.child.pid as number] },
    };
    const results = new Map<string, Measured>();
    for (const inFlight of [1, 10]) {
      const loads = new Map<Route, Load>();
      try {
        for (const route of ROUTES) {
          const load = await routes[route].open(inFlight);
          loads.set(route, load);
          await load.run(WARM_UP_SECONDS);
        }
        // Each route twice, in mirrored order (ABC CBA), so a machine that drifts during the run
        // weighs on every route alike; the figures are the two rounds' mean.
        const rounds = new Map<Route, Measured[]>(ROUTES.map((route) => [route, []]));
        for (const route of [...ROUTES, ...[...ROUTES].reverse()]) {
          const round = await measured(loads.get(route) as Load, SECONDS, routes[route].pids);
          rounds.get(route)?.push(round);
        }
        for (const [route, measuredRounds] of rounds)
          results.set(`${route}@${inFlight}`, meanOf(measuredRounds));
      } finally {
        await Promise.allSettled([...loads.values()].map((load) => load.close()));
      }
    }
    const rows = [...results].map(([key, r]) => {
      const [route, inFlight] = key.split("@") as [string, string];
      return [
        route,
        inFlight,
        r.callsPerSecond.toFixed(0),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        r.clientCpuPerCall.toFixed(0),
        r.serverCpuPerCall.toFixed(0),
      ];
    });
    process.stdout.write(
      `server-everything echo, the mean of 2 rounds of ${SECONDS} s per row (database: ${platform.ready.driver})\n`,
    );
    process.stdout.write(
      `${table(["route", "in flight", "calls/s", "p50 ms", "p99 ms", "CPU µs/call: client", "server side"], rows)}\n`,
    );
    const at = (route: Route, n: number) => results.get(`${route}@${n}`) as Measured;
    const ratio = at("gumstack gateway", 10).callsPerSecond / at("mcp-proxy", 10).callsPerSecond;
    const added = at("gumstack gateway", 1).p50 - at("direct stdio", 1).p50;
    const print = (line: string) => process.stdout.write(`${line}\n`);
    print(`gateway vs mcp-proxy at 10 in flight: ${ratio.toFixed(2)}x (target ≥ 3x)`);
    print(`gateway added p50 over direct stdio at 1: ${added.toFixed(2)} ms (target ≤ 1 ms)`);
    await direct.close();
    proxy.child.kill("SIGTERM");
    await stopChild(platform.child);
    platform = await startChild({
      name: "platform",
      script: "bench/gateway/platform-server.ts",
      args: [join(tmp, "data-per-user"), PER_USER_SERVER, String(COLD_USERS)],
      timeoutMs: START_TIMEOUT_MS,
      parse: parseGatewayReady,
    });
    const { gatewayUrl, extraKeys } = platform.ready;
    const cold = await measureColdStart(gatewayUrl, extraKeys, BENCH_ADMIN);
    const ms = (values: number[]) =>
      `p50 ${p50(values).toFixed(0)} ms, max ${(values.at(-1) ?? 0).toFixed(0)} ms`;
    print(`per-user processes, ${cold.users} new users one after another (example-proxied):`);
    print(`  first call (starts the user's process): ${ms(cold.firstCalls)}`);
    print(`  second call: ${ms(cold.secondCalls)}`);
    print(
      `  memory per process tree (RSS): p50 ${p50(cold.memoryMiB).toFixed(1)} MiB, max ${(cold.memoryMiB.at(-1) ?? 0).toFixed(1)} MiB`,
    );
  } finally {
    await direct?.close();
    proxy?.child.kill("SIGTERM");
    if (platform) await stopChild(platform.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
