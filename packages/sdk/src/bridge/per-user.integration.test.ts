import { newId } from "@gumstack/db";
import type { ScriptedServer } from "@gumstack/oauth/testing";
import { CONTEXT_HEADER } from "@gumstack/runtime";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LATEST_PROTOCOL_VERSION,
  LoggingMessageNotificationSchema,
  McpError,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../testing/host-harness.js";
import {
  type BridgeProcess,
  connect,
  everything,
  platformServer,
  startBridge,
  startPlatform,
} from "./testing/bridge-process.js";

const ada = newId("user");
const bob = newId("user");

describe("a per-user bridge in front of server-everything", () => {
  const server = platformServer();
  let platform: ScriptedServer;
  let bridge: BridgeProcess;
  const clients: Client[] = [];
  const open = async (
    ...args: Parameters<typeof connect> extends [unknown, ...infer R] ? R : never
  ) => {
    const client = await connect(bridge, ...args);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    platform = await startPlatform();
    bridge = await startBridge({
      spec: { ...everything(), user: ada, tools: { allow: [], deny: ["get-env"], prefix: false } },
      server,
      platformUrl: platform.url,
    });
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    const exit = await bridge?.stop();
    expect(exit?.code).toBe(0);
    await platform?.close();
  });

  it("answers initialize from the child's own, lists its tools and calls them", async () => {
    const client = await open(server.context(ada));
    expect(client.getServerVersion()?.name).toBe("mcp-servers/everything");
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    expect(client.getInstructions()).toBeTruthy();
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toContain("echo");
    expect(names).toContain("trigger-long-running-operation");
    // Denied: not listed.
    expect(names).not.toContain("get-env");
    const echoed = await client.callTool({ name: "echo", arguments: { message: "hello" } });
    expect(textOf(echoed)).toBe("Echo: hello");
  });

  it("serves a request without a session, as JSON", async () => {
    const response = await fetch(`${bridge.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        [CONTEXT_HEADER]: server.context(ada),
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: "mine",
        method: "tools/call",
        params: { name: "echo", arguments: { message: "stateless" } },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: "mine",
      result: { content: [{ type: "text", text: "Echo: stateless" }] },
    });
  });

  it("negotiates each client's protocol version as the SDK's server would", async () => {
    const initialize = (protocolVersion: string) =>
      fetch(`${bridge.url}/mcp`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          [CONTEXT_HEADER]: server.context(ada),
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
        }),
      }).then(async (response) => {
        const text = await response.text();
        const data = /data: (.*)/.exec(text)?.[1] ?? text;
        return (JSON.parse(data) as { result: { protocolVersion: string } }).result;
      });
    expect((await initialize("2025-06-18")).protocolVersion).toBe("2025-06-18");
    expect((await initialize("1999-01-01")).protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
  });

  it("answers a call to a denied tool with invalid params, naming it", async () => {
    const client = await open(server.context(ada));
    const error = await client.callTool({ name: "get-env", arguments: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).message).toContain("get-env");
  });

  it("refuses another user's valid context with 403", async () => {
    const response = await fetch(`${bridge.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        [CONTEXT_HEADER]: server.context(bob),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(403);
    const noContext = await fetch(`${bridge.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(noContext.status).toBe(401);
  });

  it("sends each client the progress of its own call, when both used the same token", async () => {
    const sentA: unknown[] = [];
    const sentB: unknown[] = [];
    const a = await open(server.context(ada), {}, sentA);
    const b = await open(server.context(ada), {}, sentB);
    const progressA: number[] = [];
    const progressB: number[] = [];
    const run = (client: Client, seen: number[]) =>
      client.callTool(
        { name: "trigger-long-running-operation", arguments: { duration: 1, steps: 4 } },
        undefined,
        { onprogress: ({ progress }) => seen.push(progress) },
      );
    const [resultA, resultB] = await Promise.all([run(a, progressA), run(b, progressB)]);
    expect(textOf(resultA)).toContain("Long running operation completed");
    expect(textOf(resultB)).toContain("Long running operation completed");
    expect(progressA).toEqual([1, 2, 3, 4]);
    expect(progressB).toEqual([1, 2, 3, 4]);
    // Both clients asked with one token: the bridge told them apart.
    const tokenOf = (sent: unknown[]) =>
      (
        sent.find((m) => (m as { method?: string }).method === "tools/call") as {
          params: { _meta: { progressToken: unknown } };
        }
      ).params._meta.progressToken;
    expect(tokenOf(sentA)).toBe(tokenOf(sentB));
  });

  it("has the client that made the call answer the child's elicitation and sampling", async () => {
    const asked: string[] = [];
    const client = await open(server.context(ada), {
      capabilities: { elicitation: { form: {} }, sampling: {} },
    });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.method);
      return { action: "accept", content: { name: "Ada Lovelace" } };
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      asked.push(request.method);
      return {
        model: "test-model",
        role: "assistant",
        content: { type: "text", text: "a sampled answer" },
      };
    });
    // The child registers these once a client that takes them initialized it: the bridge did.
    const elicited = await client.callTool({ name: "trigger-elicitation-request", arguments: {} });
    expect(textOf(elicited)).toContain("Name: Ada Lovelace");
    const sampled = await client.callTool({
      name: "trigger-sampling-request",
      arguments: { prompt: "hi" },
    });
    expect(textOf(sampled)).toContain("a sampled answer");
    expect(asked).toEqual(["elicitation/create", "sampling/createMessage"]);
  });

  it("fails the child's elicitation cleanly when the calling client did not declare it", async () => {
    const client = await open(server.context(ada));
    const result = await client.callTool({ name: "trigger-elicitation-request", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("no client can take elicitation/create");
  });

  it("keeps the child's subscription to a resource until its last subscriber unsubscribes", async () => {
    const uri = "demo://resource/dynamic/text/1";
    const [a, b] = [await open(server.context(ada)), await open(server.context(ada))];
    const updated = { a: [] as string[], b: [] as string[] };
    a.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.a.push(n.params.uri);
    });
    b.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.b.push(n.params.uri);
    });
    await a.subscribeResource({ uri });
    await b.subscribeResource({ uri });
    await a.unsubscribeResource({ uri });
    // Sends an update for each resource subscribed to at once, then every 5 s.
    await b.callTool({ name: "toggle-subscriber-updates", arguments: {} });
    await b.callTool({ name: "toggle-subscriber-updates", arguments: {} });
    for (let i = 0; i < 100 && updated.b.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(updated.b).toContain(uri);
    expect(updated.a).toEqual([]);
  });

  it("passes the child's log messages to the client whose call is in flight", async () => {
    const client = await open(server.context(ada));
    const logged: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logged.push(n.params);
    });
    const on = await client.callTool({ name: "toggle-simulated-logging", arguments: {} });
    expect(textOf(on)).toContain("Started");
    await client.callTool({ name: "toggle-simulated-logging", arguments: {} });
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged[0]).toMatchObject({ level: expect.any(String), data: expect.any(String) });
  });
});
