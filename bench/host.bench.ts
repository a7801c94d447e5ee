// `npm run bench:host`: a tools/call round trip through GumstackHost (an API key checked on every
// request, from its 2 s cache; one connected McpServer) against the same tool on a bare
// McpServer served with the MCP SDK's stateless pattern (a new server and transport per request,
// no auth). Same run, same request, same load generator. Each server runs in its own process and
// autocannon runs in this one, so generating the load shares an event loop with neither server.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import type { Ready } from "./host/child.js";
import { startChild, stopChild } from "./shared/child-process.js";
import { CONNECTIONS, load, type Measured, type Target } from "./shared/load.js";
import { MCP_HEADERS, PROTOCOL_VERSION, toolCall } from "./shared/mcp-request.js";
import { table } from "./shared/table.js";

const WARM_UP_SECONDS = 2;
const ROUND_SECONDS = 10;
const START_TIMEOUT_MS = 60_000;
const BODY = toolCall("echo", { text: "hello" });
const REQUEST_HEADERS = MCP_HEADERS;
// Alternating, so neither side always runs first or last (on a warmer or more fragmented heap).
const ROUNDS = ["baseline", "ours", "ours", "baseline"] as const;

type Name = (typeof ROUNDS)[number];

interface Server {
  name: Name;
  child: ChildProcess;
  ready: Ready;
}
const serverFiles: Record<Name, string> = {
  baseline: "bench/host/baseline-server.ts",
  ours: "bench/host/gumstack-server.ts",
};

function isReady(value: unknown): value is Ready {
  if (typeof value !== "object" || value === null) return false;
  const { url, headers, driver } = value as Record<string, unknown>;
  return (
    typeof url === "string" &&
    typeof headers === "object" &&
    headers !== null &&
    (driver === null || typeof driver === "string")
  );
}

/** The text of the first content item of a tools/call result, or undefined. */
function echoed(reply: unknown): unknown {
  if (typeof reply !== "object" || reply === null) return undefined;
  const result = (reply as Record<string, unknown>).result;
  if (typeof result !== "object" || result === null) return undefined;
  const content = (result as Record<string, unknown>).content;
  if (!Array.isArray(content)) return undefined;
  const first: unknown = content[0];
  if (typeof first !== "object" || first === null) return undefined;
  return (first as Record<string, unknown>).text;
}

/** One request before any load: the endpoint must answer the tool call, not an error. */
async function verify(name: Name, ready: Ready): Promise<string> {
  const response = await fetch(ready.url, {
    method: "POST",
    headers: { ...REQUEST_HEADERS, ...ready.headers },
    body: BODY,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`${name}: the check request got ${response.status}: ${text.slice(0, 500)}`);
  }
  if (echoed(JSON.parse(text)) !== "hello") {
    throw new Error(`${name}: the check request got no echo: ${text.slice(0, 500)}`);
  }
  return text;
}

/** Ours must be measured authenticating: a request without the key is refused. */
async function verifyRefusesAnonymous(ready: Ready): Promise<void> {
  const response = await fetch(ready.url, {
    method: "POST",
    headers: REQUEST_HEADERS,
    body: BODY,
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  if (response.status !== 401) {
    throw new Error(`ours: a request without an API key got ${response.status}, not 401`);
  }
}

const cells = (label: string, m: Measured) => [
  label,
  Math.round(m.callsPerSecond).toLocaleString("en-US"),
  m.p50.toFixed(2),
  m.p99.toFixed(2),
];

async function main(): Promise<void> {
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(PROTOCOL_VERSION)) {
    throw new Error(`the SDK does not support protocol version ${PROTOCOL_VERSION}`);
  }
  const tmp = mkdtempSync(join(tmpdir(), "gumstack-bench-host-"));
  const servers: Partial<Record<Name, Server>> = {};
  try {
    for (const [name, args] of [
      ["baseline", []],
      ["ours", [join(tmp, "data")]],
    ] as const) {
      const { child, ready } = await startChild({
        name,
        script: serverFiles[name],
        args,
        timeoutMs: START_TIMEOUT_MS,
        parse: (value) => (isReady(value) ? value : undefined),
      });
      servers[name] = { name, child, ready };
    }
    const baseline = servers.baseline as Server;
    const ours = servers.ours as Server;
    const targets = {} as Record<Name, Target>;
    for (const server of [baseline, ours]) {
      targets[server.name] = {
        name: server.name,
        url: server.ready.url,
        body: BODY,
        headers: { ...REQUEST_HEADERS, ...server.ready.headers },
        expectBody: await verify(server.name, server.ready),
      };
    }
    await verifyRefusesAnonymous(ours.ready);

    for (const name of ["baseline", "ours"] as const) await load(targets[name], WARM_UP_SECONDS);
    const rounds: { name: Name; measured: Measured }[] = [];
    for (const name of ROUNDS) {
      rounds.push({ name, measured: await load(targets[name], ROUND_SECONDS) });
    }

    const mean = (name: Name): Measured => {
      const mine = rounds.filter((r) => r.name === name).map((r) => r.measured);
      const avg = (pick: (m: Measured) => number) =>
        mine.reduce((sum, m) => sum + pick(m), 0) / mine.length;
      return {
        calls: avg((m) => m.calls),
        callsPerSecond: avg((m) => m.callsPerSecond),
        p50: avg((m) => m.p50),
        p99: avg((m) => m.p99),
      };
    };
    const b = mean("baseline");
    const o = mean("ours");
    const throughputRatio = o.callsPerSecond / b.callsPerSecond;
    const latencyRatio = o.p50 / b.p50;
    const header = ["", "calls/s", "p50 ms", "p99 ms"];
    process.stdout.write(
      `node ${process.version}, ${availableParallelism()} cores (load generator and both servers share them)\n` +
        `autocannon in this process, ${CONNECTIONS} connections, pipelining 1; each server in its own process\n` +
        `${WARM_UP_SECONDS} s warm-up each, then ${ROUNDS.length} rounds of ${ROUND_SECONDS} s: ${ROUNDS.join(", ")}\n` +
        `request: tools/call echo {"text":"hello"}, MCP protocol ${PROTOCOL_VERSION}; every reply checked\n` +
        "baseline: bare McpServer, the SDK's stateless pattern (new McpServer + " +
        "WebStandardStreamableHTTPServerTransport per request, JSON replies), no auth\n" +
        `ours:     GumstackHost, API key checked on every request (2 s cache; ${ours.ready.driver}), stateless, JSON replies\n\n` +
        `${table(
          ["round", ...header.slice(1)],
          rounds.map((r, i) => cells(`${i + 1} ${r.name}`, r.measured)),
        )}\n\n` +
        `mean of the ${ROUNDS.length / 2} rounds of each\n` +
        `${table(["target", ...header.slice(1)], [cells("baseline", b), cells("ours", o)])}\n\n` +
        `ours/baseline calls/s: ${throughputRatio.toFixed(2)}  ` +
        `target > 1.00 (faster than the unauthenticated baseline): ${throughputRatio > 1 ? "met" : "not met"}\n` +
        `ours/baseline p50:     ${latencyRatio.toFixed(2)}  ` +
        `target <= 1.20 (at worst 1.2x its latency): ${latencyRatio <= 1.2 ? "met" : "not met"}\n` +
        `ours/baseline p99:     ${(o.p99 / b.p99).toFixed(2)}  (no target)\n`,
    );
  } finally {
    await Promise.all(Object.values(servers).map((s) => stopChild(s.child)));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
