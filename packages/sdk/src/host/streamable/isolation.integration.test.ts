import { testDriver } from "@gumstack/db/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { capturingLogger, hostEnvironment, textOf } from "../../testing/host-harness.js";
import { GumstackHost } from "../gumstack-host.js";

const CLIENTS = 12;
const PROGRESS_STEPS = 25;

/** The server under test: tools that ask their client, report progress and log. */
function isolationServer(): McpServer {
  const mcp = new McpServer(
    { name: "isolation", version: "1.0.0" },
    { capabilities: { logging: {}, resources: { subscribe: true } } },
  );
  // The SDK's McpServer leaves subscriptions to the author; accepting them is enough here.
  mcp.server.setRequestHandler(SubscribeRequestSchema, async () => ({}));
  mcp.server.setRequestHandler(UnsubscribeRequestSchema, async () => ({}));
  mcp.registerTool(
    "ask",
    { description: "asks its client for a name", inputSchema: { tag: z.string() } },
    async ({ tag }) => {
      const answer = await mcp.server.elicitInput({
        mode: "form",
        message: `who are you? (${tag})`,
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      return { content: [{ type: "text", text: `${tag}:${String(answer.content?.name)}` }] };
    },
  );
  mcp.registerTool(
    "work",
    { description: "reports progress and logs at info", inputSchema: { tag: z.string() } },
    async ({ tag }, extra) => {
      const token = extra._meta?.progressToken;
      for (let step = 1; step <= PROGRESS_STEPS; step++) {
        if (token !== undefined)
          await extra.sendNotification({
            method: "notifications/progress",
            params: { progressToken: token, progress: step, total: PROGRESS_STEPS, message: tag },
          });
        await new Promise((resolve) => setImmediate(resolve));
      }
      await mcp.server.sendLoggingMessage({ level: "info", data: `done ${tag}` }, extra.sessionId);
      return { content: [{ type: "text", text: `worked ${tag}` }] };
    },
  );
  mcp.registerTool("announce", { description: "changes the resource list" }, async () => {
    mcp.sendResourceListChanged();
    return { content: [{ type: "text", text: "announced" }] };
  });
  mcp.registerTool("touch", { description: "updates note://one" }, async () => {
    await mcp.server.sendResourceUpdated({ uri: "note://one" });
    return { content: [{ type: "text", text: "touched" }] };
  });
  mcp.registerResource("note", "note://one", { mimeType: "text/plain" }, async (uri) => ({
    contents: [{ uri: uri.href, text: "one" }],
  }));
  return mcp;
}

interface Seen {
  client: Client;
  logs: string[];
  listChanged: number;
  updated: string[];
}

describe(`one McpServer, many clients: nothing crosses [${testDriver}]`, () => {
  let url: string;
  let apiKey: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const { env, drop } = await hostEnvironment();
    cleanups.push(drop);
    const host = new GumstackHost(
      isolationServer(),
      { name: "isolation", auth: { type: "none", env: [] } },
      { env, log: capturingLogger().log },
    );
    const running = await host.run([]);
    cleanups.push(running.close);
    url = running.url;
    ({ apiKey } = await host.addUser("ada"));
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A session client; `name` is what it answers an elicitation with, if it takes them. */
  async function sessionClient(name: string | undefined): Promise<Seen> {
    const client = new Client(
      { name: `client-${name ?? "plain"}`, version: "1.0.0" },
      { capabilities: name === undefined ? {} : { elicitation: { form: {} } } },
    );
    const seen: Seen = { client, logs: [], listChanged: 0, updated: [] };
    if (name !== undefined)
      client.setRequestHandler(ElicitRequestSchema, async () => ({
        action: "accept",
        content: { name },
      }));
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      seen.logs.push(String(n.params.data));
    });
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      seen.listChanged++;
    });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      seen.updated.push(n.params.uri);
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
      }),
    );
    cleanups.push(() => client.close());
    return seen;
  }

  /** One stateless request, as a client without a session sends it. */
  async function stateless(id: number, name: string, args: Record<string, unknown>) {
    const response = await fetch(`${url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${apiKey}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name, arguments: args },
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const data = text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)) as { id?: number; result?: unknown });
    const replies =
      data.length > 0 ? data : [JSON.parse(text) as { id?: number; result?: unknown }];
    return replies.find((message) => message.id === id);
  }

  it("each client's elicitation goes to it, and its answer to its own tool call", async () => {
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => sessionClient(`n${i}`)),
    );
    // Every client asks at once, with the same JSON-RPC ids on the wire (each counts from 0).
    const results = await Promise.all(
      clients.map(({ client }, i) => client.callTool({ name: "ask", arguments: { tag: `t${i}` } })),
    );
    expect(results.map(textOf)).toEqual(clients.map((_, i) => `t${i}:n${i}`));
  });

  it("each session is held to its own capabilities: one without elicitation cannot be asked", async () => {
    const [asker, plain] = await Promise.all([sessionClient("yes"), sessionClient(undefined)]);
    const [asked, refused] = await Promise.all([
      asker.client.callTool({ name: "ask", arguments: { tag: "a" } }),
      plain.client.callTool({ name: "ask", arguments: { tag: "b" } }),
    ]);
    expect(textOf(asked)).toBe("a:yes");
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/does not support form elicitation/i);
  });

  it("progress and logs reach only the client whose call made them, at its own log level", async () => {
    const quiet = await sessionClient("quiet");
    const chatty = await sessionClient("chatty");
    await quiet.client.setLoggingLevel("error");
    await chatty.client.setLoggingLevel("debug");
    const progress = new Map<string, string[]>([
      ["quiet", []],
      ["chatty", []],
    ]);
    const call = (seen: Seen, tag: string) =>
      seen.client.callTool({ name: "work", arguments: { tag } }, undefined, {
        onprogress: (p) => progress.get(tag)?.push(`${p.message}:${p.progress}`),
      });
    const [a, b, c] = await Promise.all([
      call(quiet, "quiet"),
      call(chatty, "chatty"),
      stateless(7, "work", { tag: "stateless" }),
    ]);
    expect(textOf(a)).toBe("worked quiet");
    expect(textOf(b)).toBe("worked chatty");
    expect(textOf(c?.result)).toBe("worked stateless");
    for (const tag of ["quiet", "chatty"]) {
      expect(progress.get(tag)).toEqual(
        Array.from({ length: PROGRESS_STEPS }, (_, i) => `${tag}:${i + 1}`),
      );
    }
    expect(quiet.logs).toEqual([]);
    expect(chatty.logs).toEqual(["done chatty"]);
  });

  it("a stateless request's elicitation has no one to ask, and no session is disturbed", async () => {
    const watcher = await sessionClient("watcher");
    const reply = (await stateless(9, "ask", { tag: "x" })) as {
      result?: { isError?: boolean };
    };
    expect(reply.result?.isError).toBe(true);
    expect(textOf(reply.result)).toMatch(/does not support form elicitation/i);
    expect(watcher.logs).toEqual([]);
  });

  it("a change about no request reaches every session's stream", async () => {
    const [a, b] = await Promise.all([sessionClient("a"), sessionClient("b")]);
    const announced = await a.client.callTool({ name: "announce", arguments: {} });
    expect(textOf(announced)).toBe("announced");
    await expect.poll(() => [a.listChanged, b.listChanged], { timeout: 10_000 }).toEqual([1, 1]);
  });

  it("a resource update reaches only the sessions subscribed to it", async () => {
    const [subscriber, other, gone] = await Promise.all([
      sessionClient("s"),
      sessionClient("o"),
      sessionClient("g"),
    ]);
    await subscriber.client.subscribeResource({ uri: "note://one" });
    await gone.client.subscribeResource({ uri: "note://one" });
    await gone.client.unsubscribeResource({ uri: "note://one" });
    expect(textOf(await other.client.callTool({ name: "touch", arguments: {} }))).toBe("touched");
    // A list change after it: once a stream has it, the update would have come before it.
    await subscriber.client.callTool({ name: "announce", arguments: {} });
    await expect
      .poll(() => [subscriber, other, gone].map((seen) => seen.listChanged), { timeout: 10_000 })
      .toEqual([1, 1, 1]);
    expect(subscriber.updated).toEqual(["note://one"]);
    expect(other.updated).toEqual([]);
    expect(gone.updated).toEqual([]);
  });
});
