// `npm run bench:host-ab -- <other checkout> [json|sse]`: the CPU one quick call costs
// GumstackHost in this checkout against another (an earlier commit, say, cloned and installed
// with `node scripts/run.mjs true`), measured in the same run: the same server
// (bench/host/gumstack-server.ts) started from each, driven in alternating rounds by the same
// load, CPU per call read from /proc. Differences of a few percent between two runs of
// bench:host are within a machine's noise; alternating in one run is how a change is told apart.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isReady } from "./host/child.js";
import { repoRoot, startChild, stopChild } from "./shared/child-process.js";
import { load, type Target } from "./shared/load.js";
import { MCP_HEADERS, toolCall } from "./shared/mcp-request.js";
import { cpuMs } from "./shared/proc.js";
import { table } from "./shared/table.js";

const ROUNDS = 8;
const ROUND_SECONDS = 6;
const BODY = toolCall("echo", { text: "hello" });

const [other, modeArgument = "json"] = process.argv.slice(2);
if (!other || !existsSync(join(other, "bench/host/gumstack-server.ts")))
  throw new Error("usage: bench:host-ab -- <another checkout, installed> [json|sse]");
if (modeArgument !== "json" && modeArgument !== "sse") throw new Error("mode: json or sse");
const mode = modeArgument;

interface Side {
  name: string;
  pid: number;
  target: Target;
}

async function side(name: string, cwd: string, dataDir: string) {
  const started = await startChild({
    name,
    script: "bench/host/gumstack-server.ts",
    args: [dataDir],
    cwd,
    timeoutMs: 60_000,
    parse: (value) => (isReady(value) ? value : undefined),
  });
  const headers = {
    ...MCP_HEADERS,
    ...(mode === "json" ? { accept: "application/json" } : {}),
    ...started.ready.headers,
  };
  const response = await fetch(started.ready.url, { method: "POST", headers, body: BODY });
  const expectBody = await response.text();
  if (response.status !== 200 || !expectBody.includes('"hello"'))
    throw new Error(`${name}: the check request got ${response.status}: ${expectBody}`);
  const target: Target = { name, url: started.ready.url, body: BODY, headers, expectBody };
  return { child: started.child, side: { name, pid: started.child.pid as number, target } };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "gumstack-bench-host-ab-"));
  const started = [
    await side("this", repoRoot, join(tmp, "this")),
    await side("other", resolve(other as string), join(tmp, "other")),
  ];
  try {
    const sides = started.map((s) => s.side);
    for (const s of sides) await load(s.target, 2);
    const rows: Array<{ side: Side; perSecond: number; cpuUs: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      // this, other, other, this, ...: neither always first.
      for (const s of round % 2 === 0 ? sides : [...sides].reverse()) {
        const before = cpuMs(s.pid);
        const measured = await load(s.target, ROUND_SECONDS);
        const cpuUs = ((cpuMs(s.pid) - before) * 1000) / measured.calls;
        rows.push({ side: s, perSecond: measured.callsPerSecond, cpuUs });
      }
    }
    const mean = (name: string, pick: (row: (typeof rows)[number]) => number) => {
      const of = rows.filter((row) => row.side.name === name);
      return of.reduce((sum, row) => sum + pick(row), 0) / of.length;
    };
    const cells = (name: string) => [
      name,
      Math.round(mean(name, (r) => r.perSecond)).toLocaleString("en-US"),
      mean(name, (r) => r.cpuUs).toFixed(0),
    ];
    process.stdout.write(
      `${mode.toUpperCase()} mode, ${ROUNDS} rounds of ${ROUND_SECONDS} s each, alternating; other: ${other}\n` +
        `${table(
          ["round", "calls/s", "CPU µs per call"],
          rows.map((r, i) => [
            `${i + 1} ${r.side.name}`,
            Math.round(r.perSecond).toLocaleString("en-US"),
            r.cpuUs.toFixed(0),
          ]),
        )}\n${table(["mean", "calls/s", "CPU µs per call"], [cells("this"), cells("other")])}\n` +
        `this/other CPU per call: ${(mean("this", (r) => r.cpuUs) / mean("other", (r) => r.cpuUs)).toFixed(2)}   ` +
        `calls/s: ${(mean("this", (r) => r.perSecond) / mean("other", (r) => r.perSecond)).toFixed(2)}\n`,
    );
  } finally {
    await Promise.all(started.map((s) => stopChild(s.child)));
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
