import { testDriver } from "@gumstack/db/testing";
import { textOf } from "@gumstack/sdk/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  post,
  rawSession,
  type StreamingPlatform,
  streamingPlatform,
} from "./testing/streaming-platform.js";

const MAX_ANNOUNCES = 100;

/**
 * All of Streamable HTTP through `/mcp/<server>`, with the SDK's own client on one side and a
 * hosted process (testing/streaming-server, run by the real runner) on the other.
 */
describe(`Streamable HTTP through the gateway [${testDriver}]`, () => {
  let at: StreamingPlatform;

  beforeAll(async () => {
    at = await streamingPlatform();
  });
  afterAll(async () => {
    await at?.close();
  });

  it("streams each progress and log notification to the client while the tool runs, then its result", async () => {
    const { client } = await connect(at);
    const seen: string[] = [];
    const acks: Promise<unknown>[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      seen.push(`log ${String(notification.params.data)}`);
      // The tool waits for this before its next step: the event crossed the gateway on its own.
      acks.push(client.callTool({ name: "ack" }));
    });
    const result = await client.callTool({ name: "steps", arguments: { count: 3 } }, undefined, {
      onprogress: (progress) => seen.push(`progress ${progress.progress}/${progress.total}`),
    });
    seen.push(textOf(result));
    expect(seen).toEqual([
      "progress 1/3",
      "log step 1",
      "progress 2/3",
      "log step 2",
      "progress 3/3",
      "log step 3",
      "3 steps",
    ]);
    // The last ack's own answer may come after the tool's: closing first would cut it off.
    await Promise.all(acks);
    await client.close();
  });

  it("carries an elicitation to the client and its answer back to the waiting tool", async () => {
    const client = new Client(
      { name: "gateway-test", version: "1.0.0" },
      { capabilities: { elicitation: {} } },
    );
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params.message);
      return { action: "accept", content: { colour: "teal" } };
    });
    await connect(at, { client });
    expect(textOf(await client.callTool({ name: "ask" }))).toBe("colour: teal");
    expect(asked).toEqual(["Which colour?"]);
    await client.close();
  });

  it("keeps a session's GET stream open: a list_changed the server sends reaches the client", async () => {
    const { client } = await connect(at);
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed++;
    });
    // The client opens its GET stream on its own after initializing: ask again until it is up.
    for (let i = 0; i < MAX_ANNOUNCES && changed === 0; i++) {
      await client.callTool({ name: "announce" });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(changed).toBeGreaterThan(0);
    await client.close();
  });

  it("relays DELETE: the session ends, and its id is then unknown (404)", async () => {
    const { client, transport } = await connect(at);
    const session = transport.sessionId as string;
    expect(session).toMatch(/^dep_[a-z2-7]{26}\.[\w-]+\.\w+\.[\w-]+$/);
    await transport.terminateSession();
    const after = await post(at, { id: 1, method: "tools/list" }, { session });
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({ error: { message: /^Session not found/ } });
    await client.close();
  });

  it("passes every Mcp-* header on, known or not, and none of the caller's credentials", async () => {
    const { client } = await connect(at, {
      headers: { "mcp-name": "headers", "mcp-from-the-future": "yes", cookie: "gs_session=x" },
    });
    const seen = JSON.parse(textOf(await client.callTool({ name: "headers" }))) as Record<
      string,
      string
    >;
    expect(seen).toMatchObject({ "mcp-name": "headers", "mcp-from-the-future": "yes" });
    expect(seen["mcp-session-id"]).toEqual(expect.any(String));
    expect(seen.cookie).toBeUndefined();
    expect(seen.authorization).toBeUndefined();
    await client.close();
  });

  it("relays a method it does not know, sessionless, and passes the answer back verbatim", async () => {
    const discover = { id: 7, method: "server/discover", params: {} };
    const headers = { "mcp-method": "server/discover" };
    const through = await post(at, discover, { accept: "application/json", headers });
    const { url, headers: context } = at.direct();
    const direct = await fetch(url, {
      method: "POST",
      headers: {
        ...context,
        ...headers,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify({ jsonrpc: "2.0", ...discover }),
    });
    expect(through.status).toBe(direct.status);
    expect(through.headers.get("content-type")).toBe(direct.headers.get("content-type"));
    const body = await through.text();
    expect(body).toBe(await direct.text());
    expect(JSON.parse(body)).toMatchObject({ id: 7 });
  });

  it("answers a CORS preflight without a key, allowing the MCP headers and exposing the session", async () => {
    const response = await fetch(at.mcpUrl, {
      method: "OPTIONS",
      headers: {
        origin: at.url,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, mcp-method, mcp-name",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(at.url);
    const exposed = response.headers.get("access-control-expose-headers") ?? "";
    expect(exposed).toContain("Mcp-Session-Id");
    expect(exposed).toContain("WWW-Authenticate");
    expect(response.headers.get("access-control-allow-methods")).toContain("DELETE");
    const allowed = response.headers.get("access-control-allow-headers") ?? "";
    for (const name of ["authorization", "mcp-session-id", "mcp-method", "mcp-name"])
      expect(allowed).toContain(name);
    // A real answer to the same page carries them too, a 401 included.
    const refused = await post(
      at,
      { id: 1, method: "tools/list" },
      {
        key: "gsk_wrong",
        headers: { origin: at.url },
      },
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(at.url);
    expect(refused.headers.get("access-control-expose-headers")).toContain("WWW-Authenticate");
    const session = await rawSession(at);
    const answered = await post(
      at,
      { id: 1, method: "tools/list" },
      {
        session,
        headers: { origin: at.url },
      },
    );
    expect(answered.status).toBe(200);
    expect(answered.headers.get("access-control-allow-origin")).toBe(at.url);
    await answered.arrayBuffer();
  });

  it("refuses another origin's preflight and requests with 403", async () => {
    const preflight = await fetch(at.mcpUrl, {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const request = await post(
      at,
      { id: 1, method: "tools/list" },
      {
        headers: { origin: "http://evil.example" },
      },
    );
    expect(request.status).toBe(403);
  });
});
