import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { defaultMigrationsFolder } from "@gumstack/db";
import { createLogger, type Logger } from "@gumstack/log";
import type { DeploymentSpec, Lease, Runner } from "../types.js";

export const fixtureServer = fileURLToPath(new URL("./fixture-server.ts", import.meta.url));
export const tinyServer = fileURLToPath(new URL("./tiny-server.mjs", import.meta.url));

/** A logger that keeps its lines, to look at what the runner said (and did not say). */
export function recordingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    log: createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) }),
    lines,
  };
}

/** A folder for one test file's databases; `remove` after the runner is closed. */
export function scratchFolder(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "gumstack-runner-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A spec for the fixture server, with its own fresh embedded database under `scratch`. It runs
 * standalone, so a sandbox must show it the migrations; and `scratch`, where the test leaves
 * it files (the `until` of `slow`).
 */
export function fixtureSpec(
  scratch: string,
  ids: { serverId: string; deploymentId: string },
  env: Record<string, string> = {},
): DeploymentSpec {
  return {
    ...ids,
    entry: fixtureServer,
    cwd: dirname(fixtureServer),
    env,
    platformEnv: { GUMSTACK_DATA_DIR: join(scratch, ids.deploymentId, "data") },
    mounts: { readOnly: [defaultMigrationsFolder], writable: [scratch] },
  };
}

export function tinySpec(
  ids: { serverId: string; deploymentId: string },
  env: Record<string, string> = {},
): DeploymentSpec {
  return { ...ids, entry: tinyServer, cwd: dirname(tinyServer), env, platformEnv: {} };
}

/** The API key the fixture printed most recently for this deployment. */
export function apiKeyOf(runner: Runner, deploymentId: string): string {
  const keys = runner
    .logs(deploymentId)
    .map((line) => /^fixture api key: (gsk_\w+)$/.exec(line.text)?.[1])
    .filter((key) => key !== undefined);
  const key = keys.at(-1);
  if (key === undefined) throw new Error(`no API key in the output of ${deploymentId}`);
  return key;
}

export function mustAcquire(runner: Runner, serverId: string): Lease {
  const lease = runner.acquire(serverId);
  if (!lease) throw new Error(`no running deployment of ${serverId}`);
  return lease;
}

/** Calls a tool with a raw JSON-RPC POST and returns its text; throws on anything else. */
export async function callTool(
  url: string,
  apiKey: string,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  const response = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${apiKey}`,
      "content-type": "application/json",
      // JSON only: a client that accepts both gets its reply as an SSE stream now.
      accept: "application/json",
      "mcp-protocol-version": "2025-06-18",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: args },
    }),
  });
  const body: unknown = await response.json().catch(() => undefined);
  const text = firstText(body);
  if (response.status !== 200 || text === undefined || isError(body)) {
    throw new Error(`${name} failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return text;
}

function resultOf(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== "object" || body === null || !("result" in body)) return undefined;
  const result: unknown = body.result;
  return typeof result === "object" && result !== null
    ? (result as Record<string, unknown>)
    : undefined;
}

function isError(body: unknown): boolean {
  return resultOf(body)?.isError === true;
}

function firstText(body: unknown): string | undefined {
  const content = resultOf(body)?.content;
  if (!Array.isArray(content)) return undefined;
  const first: unknown = content[0];
  if (typeof first !== "object" || first === null || !("text" in first)) return undefined;
  return typeof first.text === "string" ? first.text : undefined;
}

/** Polls `check` until it holds; fails after `timeoutMs` saying what it waited for. */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (check()) return;
    await sleep(10);
  }
  if (!check()) throw new Error(`still waiting after ${timeoutMs} ms for: ${what}`);
}

/** Whether a process with this pid runs. A zombie (dead, not yet reaped) does not count. */
export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // An orphan's zombie waits for PID 1 to reap it, which in a container may be never.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return existsSync(`/proc/${pid}`) || !existsSync("/proc/self");
  }
}

/**
 * The processes descended from `pid`, as the host sees them (a sandbox's pids are its own, so
 * the pids a server prints say nothing here), each with its command line.
 */
export function descendantsOf(pid: number | undefined): { pid: number; command: string }[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // "pid (comm) state ppid …": the command name may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(name), ppid);
    } catch {
      // it ended while we looked
    }
  }
  const found: { pid: number; command: string }[] = [];
  const queue = pid === undefined ? [] : [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of parents) {
      if (ppid !== parent) continue;
      queue.push(child);
      let command = "";
      try {
        command = readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").join(" ").trim();
      } catch {
        // it ended while we looked
      }
      found.push({ pid: child, command });
    }
  }
  return found;
}
