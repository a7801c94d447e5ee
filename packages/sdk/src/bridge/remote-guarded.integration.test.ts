import { newId } from "@gumstack/db";
import { type ScriptedServer, startScriptedServer } from "@gumstack/oauth/testing";
import { CONTEXT_HEADER } from "@gumstack/runtime";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../testing/host-harness.js";
import { CREDENTIALS_REFUSED_EXIT, type RemoteProxySpec } from "./spec.js";
import {
  type BridgeProcess,
  connect,
  platformServer,
  startBridge,
  startPlatform,
} from "./testing/bridge-process.js";
import { type GuardedServer, startGuardedServer } from "./testing/remote-servers.js";

const ada = newId("user");
const TOKEN = "sk-right-4f1c9a";

/** Waits, 15 s at most, for `done`. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(done()).toBe(true);
}

describe("a bridge in front of a remote server that wants a bearer token", () => {
  const server = platformServer();
  let platform: ScriptedServer;
  let guarded: GuardedServer;
  const bridges: BridgeProcess[] = [];
  const clients: Client[] = [];

  const remoteSpec = (o: Partial<RemoteProxySpec> = {}) => ({
    kind: "remote" as const,
    url: guarded.url,
    transport: "streamable-http" as const,
    headers: { Authorization: `Bearer ${TOKEN}` },
    timeoutSeconds: 30,
    allowPrivate: true,
    user: ada,
    ...o,
  });
  type Spec = Parameters<typeof startBridge>[0]["spec"];
  const start = async (spec: Spec, ready = true) => {
    const bridge = await startBridge({ spec, server, platformUrl: platform.url, ready });
    bridges.push(bridge);
    return bridge;
  };
  /** A bridge whose handshake fails: its log once it said why, and /healthz meanwhile. */
  const failedStart = async (spec: Spec) => {
    const bridge = await start(spec, false);
    await until(() => bridge.output().includes("did not initialize (attempt 1)"));
    const health = await fetch(`${bridge.url}/healthz`);
    const exit = await bridge.stop();
    expect(exit.code).toBe(0);
    return { output: bridge.output(), health: health.status };
  };

  beforeAll(async () => {
    platform = await startPlatform();
    guarded = await startGuardedServer({ token: TOKEN });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close().catch(() => undefined);
    for (const bridge of bridges.splice(0)) await bridge.stop();
  });
  afterAll(async () => {
    await guarded?.stop();
    await platform?.close();
  });

  it("sends the configured header, and neither the caller's Authorization nor its context", async () => {
    const bridge = await start(remoteSpec());
    const client = new Client({ name: "caller", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${bridge.url}/mcp`), {
      requestInit: {
        headers: { [CONTEXT_HEADER]: server.context(ada), authorization: "Bearer caller-own-7d2e" },
      },
    });
    await client.connect(transport);
    clients.push(client);
    const echoed = await client.callTool({ name: "echo", arguments: { text: "hi" } });
    expect(textOf(echoed)).toBe("echo: hi");
    expect(guarded.seen.length).toBeGreaterThan(2);
    for (const headers of guarded.seen) {
      expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(headers[CONTEXT_HEADER]).toBeUndefined();
    }
    expect(JSON.stringify(guarded.seen)).not.toContain("caller-own");
    expect(bridge.output()).not.toContain(TOKEN);
  });

  it("opens a new upstream session, once and unseen, when the remote forgot its session (404)", async () => {
    const bridge = await start(remoteSpec());
    const client = await connect(bridge, server.context(ada));
    clients.push(client);
    const before = guarded.initializes();
    guarded.forgetSessions();
    const echoed = await client.callTool({ name: "echo", arguments: { text: "again" } });
    expect(textOf(echoed)).toBe("echo: again");
    expect(guarded.initializes()).toBe(before + 1);
  });

  it("answers a call the remote does not answer in time with -32001, and cancels it there", async () => {
    const bridge = await start(remoteSpec({ timeoutSeconds: 1 }));
    const client = await connect(bridge, server.context(ada));
    clients.push(client);
    const cancelledBefore = guarded.cancelled.length;
    const error = await client
      .callTool({ name: "sleep", arguments: { ms: 20_000 } }, undefined, { timeout: 15_000 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.RequestTimeout);
    expect((error as McpError).message).toContain("the remote server did not answer within 1 s");
    await until(() => guarded.cancelled.length === cancelledBefore + 1);
    // The session is still good for the next call.
    const echoed = await client.callTool({ name: "echo", arguments: { text: "after" } });
    expect(textOf(echoed)).toBe("echo: after");
  });

  it("exits at once when the remote refuses a per-user bridge's token, logging the status, never the value", async () => {
    const wrong = "sk-wrong-93b7e1";
    const seenBefore = guarded.seen.length;
    const bridge = await start(
      remoteSpec({ headers: { Authorization: `Bearer ${wrong}` } }),
      false,
    );
    // The caller's credentials: trying them again is pointless, the platform asks for new ones.
    expect((await bridge.exited).code).toBe(CREDENTIALS_REFUSED_EXIT);
    expect(guarded.seen.length).toBe(seenBefore + 1);
    const output = bridge.output();
    expect(output).toContain("the remote server answered POST with HTTP 401");
    expect(output).toContain("the remote server refused this user's credentials");
    expect(output).not.toContain(wrong);
    // What the server answered (it echoes the token) is not passed on either.
    expect(output).not.toContain("bad token");
  });

  it("keeps a shared bridge at 503 on a wrong token, trying again, never logging the value", async () => {
    const wrong = "sk-wrong-5c0d2a";
    const { user: _perUser, ...shared } = remoteSpec({
      headers: { Authorization: `Bearer ${wrong}` },
    });
    const { output, health } = await failedStart(shared);
    expect(health).toBe(503);
    expect(output).toContain("the remote server answered POST with HTTP 401");
    expect(output).not.toContain(wrong);
  });

  it("names MCP authorization when the remote answers 401 with WWW-Authenticate", async () => {
    const oauth = await startGuardedServer({ token: "unused", challenge: true });
    try {
      const bridge = await start(remoteSpec({ url: oauth.url }), false);
      expect((await bridge.exited).code).toBe(CREDENTIALS_REFUSED_EXIT);
      expect(bridge.output()).toContain("HTTP 401 with WWW-Authenticate (MCP authorization)");
      expect(bridge.output()).not.toContain(TOKEN);
    } finally {
      await oauth.stop();
    }
  });

  it("refuses a loopback address unless allowPrivate, connecting to nothing", async () => {
    const seenBefore = guarded.seen.length;
    const { output, health } = await failedStart(remoteSpec({ allowPrivate: false }));
    expect(health).toBe(503);
    expect(output).toContain("is at 127.0.0.1, a loopback (127.0.0.0/8) address, which is refused");
    expect(guarded.seen.length).toBe(seenBefore);
  });

  it("refuses a host name that resolves to a loopback address (checked at the connection)", async () => {
    const seenBefore = guarded.seen.length;
    const url = guarded.url.replace("127.0.0.1", "localhost");
    const { output } = await failedStart(remoteSpec({ url, allowPrivate: false }));
    expect(output).toMatch(/host localhost is at (127\.0\.0\.1|::1), a loopback/);
    expect(guarded.seen.length).toBe(seenBefore);
  });

  it("does not follow a redirect, naming its status", async () => {
    const redirecting = await startScriptedServer((_, res) => {
      res.writeHead(307, { location: guarded.url }).end();
    });
    try {
      const { output } = await failedStart(remoteSpec({ url: `${redirecting.url}/mcp` }));
      expect(output).toContain("with a redirect (HTTP 307), which is not followed");
    } finally {
      await redirecting.close();
    }
  });
});
