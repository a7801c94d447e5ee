// `npm run bench:host`: a tools/call round trip through GumstackHost (an API key checked against
// the database on every request, one connected McpServer) against the same tool on a bare
// McpServer served with the MCP SDK's stateless pattern (a new server and transport per request,
// no auth). Same run, same request, same load generator. Each server runs in its own process and
// autocannon runs in this one, so generating the load shares an event loop with neither server.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import autocannon from "autocannon";
import { READY_PREFIX, type Ready } from "../host/child.js";

const CONNECTIONS = 10;
const WARM_UP_SECONDS = 2;
const ROUND_SECONDS = 10;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const PROTOCOL_VERSION = "2025-06-18";
const BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "echo", arguments: { text: "hello" } },
});
const REQUEST_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": PROTOCOL_VERSION,
};
// Alternating, so neither side always runs first or last (on a warmer or more fragmented heap).
const ROUNDS = ["baseline", "ours", "ours", "baseline"] as const;

type Name = (typeof ROUNDS)[number];

interface Server {
  name: Name;
  child: ChildProcess;
  ready: Ready;
  /** The verified reply: every reply under load must be exactly this. */
  expectBody: string;
}

interface Measured {
  callsPerSecond: number;
  p50: number;
  p99: number;
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const serverFiles: Record<Name, string> = {
  baseline: "bench/host/baseline-server.ts",
  ours: "bench/.scratch/cached-server.ts",
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

/** Starts a server process and resolves with what it announced once it listens. */
function startServer(name: Name, args: string[]): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(
    process.execPath,
    ["--conditions=gumstack-source", "--import", "tsx", serverFiles[name], ...args],
    { cwd: root, stdio: ["pipe", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name}: not listening after ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name}: the server process exited (${signal ?? code}) before listening`));
    });
    createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on(
      "line",
      (line) => {
        if (!line.startsWith(READY_PREFIX)) {
          process.stderr.write(`[${name}] ${line}\n`);
          return;
        }
        clearTimeout(timer);
        const ready: unknown = JSON.parse(line.slice(READY_PREFIX.length));
        if (isReady(ready)) {
          resolve({ child, ready });
          return;
        }
        child.kill("SIGKILL");
        reject(new Error(`${name}: announced ${line}`));
      },
    );
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
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

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

/** Runs autocannon against one server; fails on any error, non-2xx or unexpected body. */
function load(server: Server, seconds: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    // autocannon's own latency histogram keeps whole milliseconds; its per-response times do not.
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: server.ready.url,
        method: "POST",
        headers: { ...REQUEST_HEADERS, ...server.ready.headers },
        body: BODY,
        connections: CONNECTIONS,
        pipelining: 1,
        duration: seconds,
        expectBody: server.expectBody,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const problems = [
          result.errors > 0 && `${result.errors} errors`,
          result.timeouts > 0 && `${result.timeouts} timeouts`,
          result.non2xx > 0 && `${result.non2xx} non-2xx responses`,
          result.mismatches > 0 && `${result.mismatches} replies other than the checked one`,
          result["2xx"] === 0 && "no successful responses",
        ].filter(Boolean);
        if (problems.length > 0) {
          reject(new Error(`${server.name}: ${problems.join(", ")}`));
          return;
        }
        latencies.sort((a, b) => a - b);
        resolve({
          callsPerSecond: result["2xx"] / result.duration,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
        });
      },
    );
    // autocannon emits (client, statusCode, bytes, milliseconds); @types/autocannon omits `client`.
    instance.on("response", (...args: unknown[]) => {
      const ms = args[3];
      if (typeof ms === "number") latencies.push(ms);
    });
  });
}

const row = (cells: string[], widths: number[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
  );
  return [header, ...rows].map((r) => row(r, widths).join("  ")).join("\n");
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
      const { child, ready } = await startServer(name, [...args]);
      servers[name] = { name, child, ready, expectBody: "" };
    }
    const baseline = servers.baseline as Server;
    const ours = servers.ours as Server;
    for (const server of [baseline, ours]) {
      server.expectBody = await verify(server.name, server.ready);
    }
    await verifyRefusesAnonymous(ours.ready);

    for (const server of [baseline, ours]) await load(server, WARM_UP_SECONDS);
    const rounds: { name: Name; measured: Measured }[] = [];
    for (const name of ROUNDS) {
      rounds.push({ name, measured: await load(servers[name] as Server, ROUND_SECONDS) });
    }

    const mean = (name: Name): Measured => {
      const mine = rounds.filter((r) => r.name === name).map((r) => r.measured);
      const avg = (pick: (m: Measured) => number) =>
        mine.reduce((sum, m) => sum + pick(m), 0) / mine.length;
      return {
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
        `ours:     GumstackHost, API key checked on every request (${ours.ready.driver}), stateless, JSON replies\n\n` +
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
    await Promise.all(Object.values(servers).map((s) => stopServer(s.child)));
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
