import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { CONTEXT_HEADER } from "@gumstack/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "../runner/index.js";
import {
  PUBLIC_URL,
  type SignedIn,
  type TestPlatform,
  testPlatform,
} from "../testing/api-client.js";
import { createGateway } from "./handler.js";

/**
 * What the gateway does with the bytes, against an upstream that answers as this test says: a
 * JSON reply with a length, an SSE stream sent in pieces, and a process that dies mid-answer.
 */
describe("the gateway's relay", () => {
  let platform: TestPlatform;
  let upstream: Server;
  let gateway: Server;
  let url: string;
  let key: string;
  let owner: SignedIn;
  let released = 0;
  let answer: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const seen: IncomingMessage[] = [];

  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    // The key memory on, as in production: a revocation must still take effect at once here.
    platform = await testPlatform({ cacheTtlMs: 60_000 });
    owner = await platform.signUp("owner@example.com");
    await platform.serverOf(owner, "stub");
    const created = await platform.call("POST", "/api/keys", { as: owner, body: { name: "t" } });
    key = ((await created.json()) as { key: string }).key;
    upstream = createServer((req, res) => {
      seen.push(req);
      answer(req, res);
    });
    const upstreamUrl = await listen(upstream);
    // As the runner's: release is idempotent; `released` counts leases given back.
    const runner = {
      acquire: () => {
        let done = false;
        return {
          url: upstreamUrl,
          deploymentId: "dep_stub",
          onCutOff: () => () => {},
          release: () => {
            if (!done) released++;
            done = true;
          },
        };
      },
    } as unknown as Runner;
    const relay = createGateway({ ...platform.services, runner });
    gateway = createServer((req, res) => {
      if (!relay(req, res)) res.writeHead(404).end();
    });
    url = `${await listen(gateway)}/mcp/stub`;
  });

  afterAll(async () => {
    for (const server of [gateway, upstream]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
    await platform?.close();
  });

  const call = (headers: Record<string, string> = {}, apiKey = key) =>
    fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${apiKey}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        cookie: "gs_session=must-not-be-forwarded",
        ...headers,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });

  it("relays a JSON reply whole, with its length, and forwards only what the server needs", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools: [] } });
    answer = (_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "set-cookie": "x=1",
      });
      res.end(body);
    };
    const before = released;
    const response = await call();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toBe(body);
    const request = seen.at(-1) as IncomingMessage;
    expect(request.headers[CONTEXT_HEADER]).toEqual(expect.any(String));
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers.cookie).toBeUndefined();
    expect(released).toBe(before + 1);
  });

  it("streams server-sent events as they come, before the stream ends", async () => {
    let finish: () => void = () => {};
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('event: message\ndata: {"progress":1}\n\n');
      finish = () => res.end('event: message\ndata: {"done":true}\n\n');
    };
    const response = await call();
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The first event arrives while the server still holds the stream open.
    expect(decoder.decode((await reader.read()).value)).toContain('"progress":1');
    finish();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += decoder.decode(chunk.value);
    expect(rest).toContain('"done":true');
  });

  it("answers 502 when the process dies before its reply is complete, and releases the lease", async () => {
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"jsonrpc":"2.0",');
      setImmediate(() => res.socket?.destroy());
    };
    const before = released;
    const response = await call();
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({
      error: { message: "stub did not answer; try again" },
    });
    expect(released).toBe(before + 1);
  });

  const okReply = () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools: [] } });
    answer = (_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    };
  };

  it("lets a client go that leaves before its body is whole: nothing relayed, nothing logged as an error", async () => {
    const before = seen.length;
    const target = new URL(url);
    const socket = connect({ host: target.hostname, port: Number(target.port) });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const gone = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(
      `POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\nauthorization: Bearer ${key}\r\n` +
        "content-type: application/json\r\ncontent-length: 1000\r\n\r\n" +
        '{"jsonrpc":"2.0",',
    );
    // The head is read and the key checked before the body is waited for.
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await gone;
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools: [] } });
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    };
    expect(await (await call()).text()).toBe(body);
    expect(seen.length).toBe(before + 1);
    const errors = platform.lines.filter((line) => JSON.parse(line).level === "error");
    expect(errors).toEqual([]);
  });

  it("refuses a browser page of another origin with 403 before the key or the server is reached", async () => {
    okReply();
    const before = seen.length;
    for (const headers of [
      { origin: "http://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ]) {
      const response = await call(headers);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        error: { message: expect.stringMatching(/^Forbidden: .*not allowed here/) },
      });
    }
    expect(seen.length).toBe(before);
    // The platform's own pages (and configured origins) pass, and the server sees the Origin.
    const ours = await call({ origin: PUBLIC_URL });
    expect(ours.status).toBe(200);
    expect(seen.at(-1)?.headers.origin).toBe(PUBLIC_URL);
  });

  it("stops serving a revoked key at once in the process that revoked it, its memory of the key notwithstanding", async () => {
    okReply();
    const created = await platform.call("POST", "/api/keys", {
      as: owner,
      body: { name: "soon revoked" },
    });
    const { id, key: doomed } = (await created.json()) as { id: string; key: string };
    expect((await call({}, doomed)).status).toBe(200);
    expect((await platform.call("DELETE", `/api/keys/${id}`, { as: owner })).status).toBe(204);
    expect((await call({}, doomed)).status).toBe(401);
  });
});
