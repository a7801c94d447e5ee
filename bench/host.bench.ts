// `npm run bench:host`: a tools/call round trip through GumstackHost (an API key checked on every
// request, from its 2 s cache; one connected McpServer) against the same tool on a bare
// McpServer served with the MCP SDK's stateless pattern (a new server and transport per request,
// no auth), in JSON mode and in SSE mode. Same run, same request, same load generator. Each
// server runs in its own process and autocannon in this one, sharing an event loop with neither.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { isReady, type Ready } from "./host/child.js";
import { startChild, stopChild } from "./shared/child-process.js";
import { CONNECTIONS, load, type Measured, type Target } from "./shared/load.js";
import { MCP_HEADERS, PROTOCOL_VERSION, toolCall } from "./shared/mcp-request.js";
import { table } from "./shared/table.js";

const WARM_UP_SECONDS = 2;
const ROUND_SECONDS = 10;
const START_TIMEOUT_MS = 60_000;
const BODY = toolCall("echo", { text: "hello" });
// Alternating, so neither side always runs first or last (on a warmer or more fragmented heap).
const ROUNDS = ["baseline", "ours", "ours", "baseline"] as const;
/** Each side's reply must be at least this many times the baseline's calls/s, in each mode. */
const TARGET_RATIO = 4;

type Name = (typeof ROUNDS)[number];
type Mode = "json" | "sse";

/**
 * How each side is asked for a JSON reply and for an SSE stream. The baseline's transport is
 * made for one or the other (enableJsonResponse), at its own path; ours chooses by the client's
 * Accept, as the spec has it: a client that takes only JSON gets JSON.
 */
const MODES: Record<
  Mode,
  { path: Record<Name, string>; headers: Record<Name, Record<string, string>> }
> = {
  json: {
    path: { baseline: "", ours: "" },
    headers: { baseline: MCP_HEADERS, ours: { ...MCP_HEADERS, accept: "application/json" } },
  },
  sse: {
    path: { baseline: "/sse", ours: "" },
    headers: { baseline: MCP_HEADERS, ours: MCP_HEADERS },
  },
};

interface Server {
  name: Name;
  child: ChildProcess;
  ready: Ready;
}
const serverFiles: Record<Name, string> = {
  baseline: "bench/host/baseline-server.ts",
  ours: "bench/host/gumstack-server.ts",
};

/** The JSON-RPC message of a reply: the body itself, or the data of its one SSE event. */
function messageOf(mode: Mode, text: string, contentType: string | null): unknown {
  const sse = contentType?.startsWith("text/event-stream") ?? false;
  if (sse !== (mode === "sse")) throw new Error(`asked for ${mode}, got ${contentType}`);
  if (!sse) return JSON.parse(text);
  const data = text.split("\n").filter((line) => line.startsWith("data: "));
  if (data.length !== 1) throw new Error(`expected one SSE event, got: ${text.slice(0, 500)}`);
  return JSON.parse((data[0] as string).slice("data: ".length));
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

/** The target for one side in one mode, after one request proves it answers the tool call. */
async function targetOf(server: Server, mode: Mode): Promise<Target> {
  const { name, ready } = server;
  const url = `${ready.url}${MODES[mode].path[name]}`;
  const headers = { ...MODES[mode].headers[name], ...ready.headers };
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: BODY,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(
      `${name} ${mode}: the check request got ${response.status}: ${text.slice(0, 500)}`,
    );
  }
  if (echoed(messageOf(mode, text, response.headers.get("content-type"))) !== "hello") {
    throw new Error(`${name} ${mode}: the check request got no echo: ${text.slice(0, 500)}`);
  }
  return { name: `${name} ${mode}`, url, body: BODY, headers, expectBody: text };
}

/** Ours must be measured authenticating: a request without the key is refused. */
async function verifyRefusesAnonymous(ready: Ready): Promise<void> {
  const response = await fetch(ready.url, {
    method: "POST",
    headers: MCP_HEADERS,
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

const meanOf = (measured: Measured[]): Measured => {
  const avg = (pick: (m: Measured) => number) =>
    measured.reduce((sum, m) => sum + pick(m), 0) / measured.length;
  return {
    calls: avg((m) => m.calls),
    callsPerSecond: avg((m) => m.callsPerSecond),
    p50: avg((m) => m.p50),
    p99: avg((m) => m.p99),
  };
};

/** The rounds of one mode, and what they come to. */
async function measure(servers: Record<Name, Server>, mode: Mode): Promise<string> {
  const targets = {
    baseline: await targetOf(servers.baseline, mode),
    ours: await targetOf(servers.ours, mode),
  };
  for (const name of ["baseline", "ours"] as const) await load(targets[name], WARM_UP_SECONDS);
  const rounds: { name: Name; measured: Measured }[] = [];
  for (const name of ROUNDS)
    rounds.push({ name, measured: await load(targets[name], ROUND_SECONDS) });
  const mean = (name: Name) => meanOf(rounds.filter((r) => r.name === name).map((r) => r.measured));
  const b = mean("baseline");
  const o = mean("ours");
  const ratio = o.callsPerSecond / b.callsPerSecond;
  const header = ["calls/s", "p50 ms", "p99 ms"];
  return (
    `${mode.toUpperCase()} mode\n` +
    `${table(
      ["round", ...header],
      rounds.map((r, i) => cells(`${i + 1} ${r.name}`, r.measured)),
    )}\n` +
    `${table(["mean", ...header], [cells("baseline", b), cells("ours", o)])}\n` +
    `ours/baseline calls/s: ${ratio.toFixed(2)}  target >= ${TARGET_RATIO.toFixed(2)}: ${ratio >= TARGET_RATIO ? "met" : "not met"}\n` +
    `ours/baseline p50:     ${(o.p50 / b.p50).toFixed(2)}  ours/baseline p99: ${(o.p99 / b.p99).toFixed(2)}\n`
  );
}

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
    const started = servers as Record<Name, Server>;
    await verifyRefusesAnonymous(started.ours.ready);
    process.stdout.write(
      `node ${process.version}, ${availableParallelism()} cores (load generator and both servers share them)\n` +
        `autocannon in this process, ${CONNECTIONS} connections, pipelining 1; each server in its own process\n` +
        `${WARM_UP_SECONDS} s warm-up each, then ${ROUNDS.length} rounds of ${ROUND_SECONDS} s per mode: ${ROUNDS.join(", ")}\n` +
        `request: tools/call echo {"text":"hello"}, MCP protocol ${PROTOCOL_VERSION}; every reply checked\n` +
        "baseline: bare McpServer, the SDK's stateless pattern (new McpServer + " +
        "WebStandardStreamableHTTPServerTransport per request), no auth\n" +
        `ours:     GumstackHost, API key checked on every request (2 s cache; ${started.ours.ready.driver}), stateless\n\n`,
    );
    for (const mode of ["json", "sse"] as const) {
      process.stdout.write(`${await measure(started, mode)}\n`);
    }
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
