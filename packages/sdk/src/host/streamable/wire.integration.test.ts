import { connect } from "node:net";
import { testDriver } from "@gumstack/db/testing";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { capturingLogger, hostEnvironment } from "../../testing/host-harness.js";
import { GumstackHost } from "../gumstack-host.js";

const VERSION = "2025-11-25";
/** A raw client's initialize, as the SDK's client sends it. */
const INITIALIZE = {
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

/** The JSON-RPC messages of an SSE body, in order. */
function eventsOf(text: string): Array<Record<string, unknown>> {
  return (
    text
      .split("\n")
      // A session's stream begins with an empty priming event (its id, for resuming).
      .filter((line) => line.startsWith("data: ") && line.length > "data: ".length)
      .map((line) => JSON.parse(line.slice("data: ".length)) as Record<string, unknown>)
  );
}

/** Reads an SSE body until `until` holds of what came so far; bounded by the test's timeout. */
async function readUntil(
  body: ReadableStream<Uint8Array>,
  until: (text: string) => boolean,
): Promise<{ text: string; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!until(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  return { text, reader };
}

describe(`the standalone host's /mcp on the wire [${testDriver}]`, () => {
  let url: string;
  let apiKey: string;
  const logger = capturingLogger();
  const aborted: string[] = [];
  let releaseSlow: () => void = () => {};
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const mcp = new McpServer({ name: "wire", version: "1.0.0" });
    mcp.registerTool(
      "echo",
      { description: "echoes", inputSchema: { text: z.string() } },
      async ({ text }) => ({ content: [{ type: "text", text }] }),
    );
    mcp.registerTool(
      "headers",
      { description: "says which request headers it can read, and one's value" },
      async (extra) => {
        const headers = extra.requestInfo?.headers ?? {};
        const names = Object.keys(headers).sort();
        const shown = { names, custom: headers["x-custom"] ?? null };
        return { content: [{ type: "text", text: JSON.stringify(shown) }] };
      },
    );
    mcp.registerTool(
      "steps",
      { description: "reports progress, then waits to be released" },
      async (extra) => {
        const token = extra._meta?.progressToken ?? "none";
        for (const progress of [1, 2]) {
          await extra.sendNotification({
            method: "notifications/progress",
            params: { progressToken: token, progress, total: 3 },
          });
        }
        await new Promise<void>((resolve) => {
          releaseSlow = resolve;
        });
        return { content: [{ type: "text", text: "all steps" }] };
      },
    );
    mcp.registerTool("hangs", { description: "runs until cancelled" }, async (extra) => {
      await extra.sendNotification({
        method: "notifications/progress",
        params: { progressToken: extra._meta?.progressToken ?? "none", progress: 1 },
      });
      await new Promise<void>((resolve) =>
        extra.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      aborted.push(String(extra.signal.reason ?? "aborted"));
      return { content: [{ type: "text", text: "too late" }] };
    });
    const { env, drop } = await hostEnvironment();
    cleanups.push(drop);
    const host = new GumstackHost(
      mcp,
      { name: "wire", auth: { type: "none", env: [] } },
      { env, log: logger.log },
    );
    const running = await host.run([]);
    cleanups.push(running.close);
    url = `${running.url}/mcp`;
    ({ apiKey } = await host.addUser("ada"));
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${apiKey}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": VERSION,
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const call = (id: number | string, name: string, args: Record<string, unknown> = {}) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args, _meta: { progressToken: `p${id}` } },
  });

  it("answers a JSON-only client with JSON, and a batch with one reply per request", async () => {
    const response = await post(
      [call(1, "echo", { text: "a" }), call("two", "echo", { text: "b" })],
      {
        accept: "application/json",
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const replies = (await response.json()) as Array<{ id: unknown; result: unknown }>;
    expect(replies.map((r) => r.id)).toEqual([1, "two"]);
    expect(replies.map((r) => r.result)).toEqual([
      { content: [{ type: "text", text: "a" }] },
      { content: [{ type: "text", text: "b" }] },
    ]);
  });

  it("streams a call's progress as it happens, then its reply, to a client that accepts SSE", async () => {
    const response = await post(call(7, "steps"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    // Both progress events arrive while the tool is still running: nothing is held back.
    const { text, reader } = await readUntil(
      response.body as ReadableStream<Uint8Array>,
      (text) => eventsOf(text).length >= 2,
    );
    expect(eventsOf(text)).toEqual([
      expect.objectContaining({
        method: "notifications/progress",
        params: expect.objectContaining({ progressToken: "p7", progress: 1 }),
      }),
      expect.objectContaining({
        method: "notifications/progress",
        params: expect.objectContaining({ progress: 2 }),
      }),
    ]);
    releaseSlow();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(eventsOf(rest)).toEqual([
      { jsonrpc: "2.0", id: 7, result: { content: [{ type: "text", text: "all steps" }] } },
    ]);
  });

  it("cancels the tool when its client hangs up mid-stream", async () => {
    const hangUp = new AbortController();
    const response = await fetch(url, {
      method: "POST",
      signal: hangUp.signal,
      headers: {
        authorization: `Bearer ${apiKey}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": VERSION,
      },
      body: JSON.stringify(call(8, "hangs")),
    });
    await readUntil(
      response.body as ReadableStream<Uint8Array>,
      (text) => eventsOf(text).length >= 1,
    );
    hangUp.abort();
    await expect.poll(() => aborted.length, { timeout: 10_000 }).toBe(1);
  });

  it("takes notifications alone with 202, and refuses what is not JSON-RPC or not a known version", async () => {
    const notified = await post({ jsonrpc: "2.0", method: "notifications/roots/list_changed" });
    expect(notified.status).toBe(202);
    const invalid = await post({ hello: "world" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: -32600 } });
    const unparsable = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: "{",
    });
    expect(unparsable.status).toBe(400);
    expect(await unparsable.json()).toMatchObject({ error: { code: -32700 } });
    const version = await post(call(1, "echo", { text: "x" }), {
      "mcp-protocol-version": "1999-01-01",
    });
    expect(version.status).toBe(400);
    expect(await version.text()).toContain("1999-01-01");
    const html = await post(call(1, "echo", { text: "x" }), { accept: "text/html" });
    expect(html.status).toBe(406);
  });

  it("refuses a body over 4 MiB with 413, and serves the next request", async () => {
    const big = await post(call(1, "echo", { text: "x".repeat(4 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({
      error: { code: -32000, message: expect.stringContaining("4194304 bytes") },
    });
    const next = await post(call(2, "echo", { text: "after" }));
    expect(eventsOf(await next.text())).toEqual([
      { jsonrpc: "2.0", id: 2, result: { content: [{ type: "text", text: "after" }] } },
    ]);
  });

  it("lets a client go that leaves before its body is whole: nothing logged as an error, nothing run", async () => {
    const { host, hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const gone = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(
      `POST /mcp HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${apiKey}\r\n` +
        "content-type: application/json\r\naccept: application/json\r\ncontent-length: 1000\r\n\r\n" +
        '{"jsonrpc":"2.0","id":1,',
    );
    // The head is read and the key checked before the body is waited for.
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await gone;
    const after = await post(call(2, "echo", { text: "still here" }));
    expect(eventsOf(await after.text())).toEqual([
      { jsonrpc: "2.0", id: 2, result: { content: [{ type: "text", text: "still here" }] } },
    ]);
    const errors = logger.lines.filter((line) => JSON.parse(line).level === "error");
    expect(errors).toEqual([]);
  });

  it("answers a CORS preflight without a key, and refuses another site's origin", async () => {
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: {
        origin: new URL(url).origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, mcp-session-id",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-expose-headers")).toContain("Mcp-Session-Id");
    expect(preflight.headers.get("access-control-expose-headers")).toContain("WWW-Authenticate");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("mcp-session-id");
    const foreign = await post(call(1, "echo", { text: "x" }), { origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
  });

  it("lets a tool read the request's headers, but never the caller's key, cookie or context, with a session or without", async () => {
    const secrets = { cookie: "sid=secret", "x-gumstack-context": "forged", "x-custom": "seen" };
    const json = { accept: "application/json" };
    const init = await post(INITIALIZE, json);
    const session = { "mcp-session-id": init.headers.get("mcp-session-id") as string };
    await init.text();
    await post({ jsonrpc: "2.0", method: "notifications/initialized" }, { ...session, ...json });
    for (const headers of [secrets, { ...secrets, ...session }]) {
      const response = await post(call(1, "headers"), { ...headers, ...json });
      const reply = (await response.json()) as { result: { content: [{ text: string }] } };
      const shown = JSON.parse(reply.result.content[0].text) as { names: string[]; custom: string };
      expect(shown.custom).toBe("seen");
      expect(shown.names).toEqual(expect.arrayContaining(["x-custom", "content-type"]));
      for (const hidden of ["authorization", "cookie", "x-gumstack-context"])
        expect(shown.names).not.toContain(hidden);
    }
  });

  it("opens a session at initialize, serves its GET stream, ends it at DELETE, then answers 404", async () => {
    const init = await post(INITIALIZE);
    expect(init.status).toBe(200);
    const session = init.headers.get("mcp-session-id");
    expect(session).toMatch(/^[\w-]{16,}$/);
    await init.text();
    const headers = { "mcp-session-id": session as string };
    expect(
      (await post({ jsonrpc: "2.0", method: "notifications/initialized" }, headers)).status,
    ).toBe(202);
    const stream = await fetch(url, {
      headers: { authorization: `Bearer ${apiKey}`, accept: "text/event-stream", ...headers },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const echoed = await post(call(1, "echo", { text: "in session" }), headers);
    expect(eventsOf(await echoed.text())).toEqual([
      { jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "in session" }] } },
    ]);
    const ended = await fetch(url, {
      method: "DELETE",
      headers: { authorization: `Bearer ${apiKey}`, ...headers },
    });
    expect(ended.status).toBe(200);
    await stream.body?.cancel();
    expect((await post(call(2, "echo", { text: "gone" }), headers)).status).toBe(404);
    expect((await post(call(3, "echo", { text: "?" }), { "mcp-session-id": "nope" })).status).toBe(
      404,
    );
    const getWithout = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(getWithout.status).toBe(400);
  });

  it("in a session, sends a quick call's SSE answer whole, with a length, and still streams a slow one's progress as it happens", async () => {
    const init = await post(INITIALIZE);
    const headers = { "mcp-session-id": init.headers.get("mcp-session-id") as string };
    await init.text();
    await post({ jsonrpc: "2.0", method: "notifications/initialized" }, headers);
    const quick = await post(call(11, "echo", { text: "whole" }), headers);
    expect(quick.headers.get("content-type")).toBe("text/event-stream");
    expect(quick.headers.get("x-accel-buffering")).toBe("no");
    const text = await quick.text();
    expect(quick.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(quick.headers.get("transfer-encoding")).toBeNull();
    expect(eventsOf(text)).toEqual([
      { jsonrpc: "2.0", id: 11, result: { content: [{ type: "text", text: "whole" }] } },
    ]);
    const slow = await post(call(12, "steps"), headers);
    expect(slow.headers.get("content-length")).toBeNull();
    const { reader } = await readUntil(
      slow.body as ReadableStream<Uint8Array>,
      (text) => eventsOf(text).length >= 2,
    );
    releaseSlow();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(eventsOf(rest)).toEqual([
      { jsonrpc: "2.0", id: 12, result: { content: [{ type: "text", text: "all steps" }] } },
    ]);
  });

  it("closing the host ends a session's open stream, so a drain is not held forever", async () => {
    const { env, drop } = await hostEnvironment();
    cleanups.push(drop);
    const host = new GumstackHost(
      new McpServer({ name: "closing", version: "1.0.0" }),
      { name: "closing", auth: { type: "none", env: [] } },
      { env, log: capturingLogger().log },
    );
    const running = await host.run([]);
    const { apiKey: key } = await host.addUser("ada");
    const headers = {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": VERSION,
    };
    const init = await fetch(`${running.url}/mcp`, {
      method: "POST",
      headers,
      body: JSON.stringify(INITIALIZE),
    });
    const session = init.headers.get("mcp-session-id") as string;
    await init.text();
    const stream = await fetch(`${running.url}/mcp`, {
      headers: { ...headers, "mcp-session-id": session },
    });
    expect(stream.status).toBe(200);
    const reading = readUntil(stream.body as ReadableStream<Uint8Array>, () => false);
    await running.close();
    // The stream ended (read to its end, or cut): either way the client is not left waiting.
    await reading.catch(() => undefined);
  });
});
