import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { newId } from "@gumstack/db";
import { spawnTypeScript } from "@gumstack/db/testing";
import { type ScriptedServer, sendJson, startScriptedServer } from "@gumstack/oauth/testing";
import { CONTEXT_HEADER, mintContext, runtimeSecretFor } from "@gumstack/runtime";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { BRIDGE_ENTRY } from "../entry.js";
import type { ProxySpec } from "../spec.js";

const require = createRequire(import.meta.url);

/** A real stdio MCP server's entry script, from its package's `bin`. */
export function binOf(pkg: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin: Record<string, string> };
  const [first] = Object.values(bin);
  if (first === undefined) throw new Error(`${pkg} has no bin`);
  return join(dirname(manifest), first);
}

/** server-everything over stdio, as `node <bin> stdio`. */
export const everything = () => ({
  command: process.execPath,
  args: [binOf("@modelcontextprotocol/server-everything"), "stdio"],
});

const vault = new Vault(parseKeyRing(generateKeySpec("k1"), "platform"));

/** One server as the platform knows it: its id, its runtime secret, contexts for its users. */
export function platformServer() {
  const serverId = newId("server");
  const secret = runtimeSecretFor(vault, serverId);
  return {
    serverId,
    secret,
    context: (userId: string) =>
      mintContext(secret, { userId, serverId, requestId: newId("server") }, Date.now()),
  };
}

export interface BridgeProcess {
  url: string;
  /** The child's pid: its process group's id too. 0 for a remote server's bridge: no child. */
  childPid: number;
  process: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then its exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A spec of either kind, its name and tools policy defaulted. */
type SpecWithDefaults<T> = T extends unknown
  ? Omit<T, "tools" | "name"> & Partial<Pick<ProxySpec, "tools" | "name">>
  : never;

export interface StartOptions {
  spec: SpecWithDefaults<ProxySpec>;
  server: ReturnType<typeof platformServer>;
  platformUrl: string;
  /** Variables besides the platform's: the child's environment. */
  env?: Record<string, string>;
  /** Wait for /healthz 200 (default), or only for the port. */
  ready?: boolean;
}

/** A stand-in for the platform's internal API: records what a bridge sends (its activity). */
export function startPlatform(): Promise<ScriptedServer> {
  return startScriptedServer((_, res) => sendJson(res, 200, { inserted: 0 }));
}

/** Starts the bridge's entry as the runner would (without the sandbox), resolved once ready. */
export async function startBridge(o: StartOptions): Promise<BridgeProcess> {
  const spec = {
    name: "everything",
    tools: { allow: [], deny: [], prefix: false },
    ...o.spec,
  };
  const child = spawnTypeScript(BRIDGE_ENTRY, {
    env: {
      HOME: process.env.HOME ?? "/tmp",
      GUMSTACK_HOST: "127.0.0.1",
      GUMSTACK_PORT: "0",
      GUMSTACK_SERVER_ID: o.server.serverId,
      GUMSTACK_RUNTIME_SECRET: o.server.secret,
      GUMSTACK_PLATFORM_URL: o.platformUrl,
      GUMSTACK_PROXY: JSON.stringify(spec),
      ...o.env,
    },
  });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const started = await new Promise<{ url: string; childPid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      // One line, written at once: a child's pid is on it, or none is (a remote server).
      const match = /listening on (http:\/\/\S+)\/mcp([^\n]*)\n/.exec(output);
      const pid = / pid=(\d+)/.exec(match?.[2] ?? "")?.[1];
      // No pid for a child that did not start: its exit says why. A test signals the child's
      // group, so a child's bridge never resolves without one (group 0 is the test's own).
      if (!match?.[1] || (pid === undefined && spec.kind !== "remote")) return;
      clearTimeout(timer);
      resolve({ url: match[1], childPid: Number(pid ?? 0) });
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before listening:\n${output}`));
    });
  });
  if (o.ready !== false) await healthy(started.url, () => output);
  return {
    ...started,
    process: child,
    output: () => output,
    exited,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Waits (30 s at most) for /healthz to answer 200. */
export async function healthy(url: string, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const response = await fetch(`${url}/healthz`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not healthy within 30 s:\n${output()}`);
}

/** The SDK's client, as the gateway relays it: with the platform's context for `userId`. */
export async function connect(
  bridge: { url: string },
  context: string,
  options: ClientOptions = {},
  sent?: unknown[],
): Promise<Client> {
  const client = new Client({ name: "bridge-test", version: "1.0.0" }, options);
  const transport = new StreamableHTTPClientTransport(new URL(`${bridge.url}/mcp`), {
    requestInit: { headers: { [CONTEXT_HEADER]: context } },
    // Keeps what the client sent, for a test to check it used what it meant to.
    fetch: (input, init) => {
      if (sent && typeof init?.body === "string") sent.push(JSON.parse(init.body));
      return fetch(input, init);
    },
  });
  await client.connect(transport);
  return client;
}

/** The processes of a group that still run (zombies left out), read from /proc. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue;
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z") members.push(Number(name));
  }
  return members;
}
