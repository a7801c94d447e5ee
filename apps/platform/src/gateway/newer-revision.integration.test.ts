import { fileURLToPath } from "node:url";
import { testDriver } from "@gumstack/db/testing";
import { textOf } from "@gumstack/sdk/testing";
import {
  Client,
  PROTOCOL_VERSION_META_KEY,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { Client as ClientOfTheSdk } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportOfTheSdk } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StreamingPlatform, streamingPlatform } from "./testing/streaming-platform.js";

const REVISION = "2026-07-28";
const newerRevisionServer = fileURLToPath(
  new URL("./testing/newer-revision-server", import.meta.url),
);

/**
 * A server of the 2026-07-28 revision (testing/newer-revision-server, on the SDK's v2 packages)
 * hosted behind the gateway, with the v2 client on the other side: the gateway knows nothing of
 * that revision, and must pass all of it on unchanged.
 */
describe(`a server of the ${REVISION} revision through the gateway [${testDriver}]`, () => {
  let at: StreamingPlatform;

  beforeAll(async () => {
    at = await streamingPlatform({}, newerRevisionServer);
  });
  afterAll(async () => {
    await at?.close();
  });

  /** The v2 client through the gateway, pinned to the revision (no fallback to 2025). */
  async function connect(headers: Record<string, string> = {}) {
    const client = new Client(
      { name: "newer-revision-test", version: "1.0.0" },
      { versionNegotiation: { mode: { pin: REVISION } } },
    );
    const transport = new StreamableHTTPClientTransport(new URL(at.mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${at.adminKey}`, ...headers } },
    });
    await client.connect(transport);
    return { client, transport };
  }

  it("negotiates the revision through the gateway (server/discover), and streams a tool's progress", async () => {
    const { client, transport } = await connect();
    expect(transport.protocolVersion).toBe(REVISION);
    // Sessionless: nothing for the gateway to route by.
    expect(transport.sessionId).toBeUndefined();
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "count", arguments: { n: 3 } },
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(textOf(result)).toBe("counted 3");
    expect(progress).toEqual([1, 2, 3]);
    await client.close();
  });

  it("passes the revision's headers and envelope on as the client sent them, and none of the caller's credentials", async () => {
    const { client } = await connect({ cookie: "gs_session=x" });
    const seen = JSON.parse(textOf(await client.callTool({ name: "seen" })));
    expect(seen).toEqual({
      revision: REVISION,
      headers: {
        "mcp-method": "tools/call",
        "mcp-name": "seen",
        "mcp-protocol-version": REVISION,
      },
      authorization: false,
      cookie: false,
    });
    await client.close();
  });

  it("holds a subscriptions/listen stream open through the gateway and delivers what the server announces on it", async () => {
    const { client } = await connect();
    let announced!: () => void;
    const changed = new Promise<void>((resolve) => {
      announced = resolve;
    });
    client.setNotificationHandler("notifications/tools/list_changed", () => announced());
    // Bounded: a gateway that held the stream back would leave the acknowledgement waiting.
    const subscription = await client.listen({ toolsListChanged: true }, { timeout: 20_000 });
    expect(subscription.honoredFilter).toEqual({ toolsListChanged: true });
    // Another request, while the listen stream stays open beside it.
    expect(textOf(await client.callTool({ name: "announce" }))).toBe("announced");
    await changed;
    await subscription.close();
    expect(await subscription.closed).toBe("local");
    await client.close();
  });

  it("answers a server/discover through the gateway exactly as the server answers it directly", async () => {
    const discover = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "server/discover",
      params: {
        _meta: {
          [PROTOCOL_VERSION_META_KEY]: REVISION,
          "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1.0.0" },
          "io.modelcontextprotocol/clientCapabilities": {},
        },
      },
    });
    const headers = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": REVISION,
      "mcp-method": "server/discover",
    };
    const through = await fetch(at.mcpUrl, {
      method: "POST",
      headers: { ...headers, authorization: `Bearer ${at.adminKey}` },
      body: discover,
    });
    const direct = at.direct();
    const straight = await fetch(direct.url, {
      method: "POST",
      headers: { ...headers, ...direct.headers },
      body: discover,
    });
    expect(through.status).toBe(straight.status);
    expect(through.headers.get("content-type")).toBe(straight.headers.get("content-type"));
    const body = await through.text();
    expect(body).toBe(await straight.text());
    expect(JSON.parse(body)).toMatchObject({
      id: 1,
      result: { supportedVersions: expect.arrayContaining([REVISION]) },
    });
  });

  it("serves a 2025 client (the v1 SDK's) from the same server, which falls back to stateless 2025", async () => {
    const client = new ClientOfTheSdk({ name: "older-client", version: "1.0.0" });
    const transport = new TransportOfTheSdk(new URL(at.mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${at.adminKey}` } },
    });
    await client.connect(transport);
    expect(transport.protocolVersion).not.toBe(REVISION);
    const progress: number[] = [];
    const result = await client.callTool({ name: "count", arguments: { n: 2 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(textOf(result)).toBe("counted 2");
    expect(progress).toEqual([1, 2]);
    await client.close();
  });
});
