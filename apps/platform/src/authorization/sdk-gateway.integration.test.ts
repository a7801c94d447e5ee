import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { testDriver } from "@gumstack/db/testing";
import { ManualClock } from "@gumstack/runtime/testing";
import { freePort, textOf } from "@gumstack/sdk/testing";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestPlatform, testPlatform } from "../testing/api-client.js";
import { upstreamRunner } from "../testing/in-process-runner.js";
import { type Flow, pairFor, REDIRECT_URI, seedClient, seedFlow } from "./testing/fixtures.js";
import { ACCESS_TOKEN_TTL_MS } from "./tokens.js";

/**
 * The SDK's MCP client with an OAuthClientProvider holding tokens from our token endpoint: its
 * tool calls pass the gateway with the access token, and once that expires the gateway's 401
 * sends it through discovery to a refresh at our token endpoint and back, with no person. (Its
 * first authorization goes through the consent page, which is another part's: here the code is
 * issued as that page issues one.)
 */
describe(`the SDK's client through the gateway with our tokens [${testDriver}]`, () => {
  const clock = new ManualClock();
  let platform: TestPlatform;
  let url: string;
  let upstream: Server;
  let upstreamUrl = "";
  const cleanups: Array<() => Promise<unknown>> = [];

  // The server's process as far as the gateway can tell: a stateless SDK server with one tool.
  const runner = upstreamRunner(() => upstreamUrl);

  /** What a client keeps: its registration and its tokens, stamped with the issuer as the SDK stamps them. */
  function providerFor(flow: Flow, first: OAuthTokens) {
    const saved: OAuthTokens[] = [{ ...first, issuer: url }];
    const provider: OAuthClientProvider = {
      get redirectUrl() {
        return REDIRECT_URI;
      },
      get clientMetadata() {
        return { redirect_uris: [REDIRECT_URI], client_name: "sdk test" };
      },
      clientInformation: () => ({ client_id: flow.client.clientId, issuer: url }),
      tokens: () => saved.at(-1),
      saveTokens: (tokens) => {
        saved.push(tokens);
      },
      redirectToAuthorization: (authorizationUrl) => {
        throw new Error(`no person here to authorize at ${authorizationUrl}`);
      },
      saveCodeVerifier: () => {},
      codeVerifier: () => {
        throw new Error("no authorization was started");
      },
    };
    return { provider, saved };
  }

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const server = new McpServer({ name: "upstream", version: "1.0.0" });
      server.registerTool("ping", { description: "answers pong" }, async () => ({
        content: [{ type: "text", text: "pong" }],
      }));
      // No session ids: stateless, a new server per request.
      const transport = new StreamableHTTPServerTransport({});
      res.once("close", () => {
        void transport.close();
        void server.close();
      });
      void server.connect(transport).then(() => transport.handleRequest(req, res));
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    cleanups.push(async () => {
      upstream.closeAllConnections();
      await new Promise((resolve) => upstream.close(resolve));
    });
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url, clock, runnerOf: () => runner });
    cleanups.push(() => platform.close());
    cleanups.push(await platform.listen());
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("calls a tool with the access token, and refreshes on its own when it expires", async () => {
    const db = platform.database.db;
    const flow = await seedFlow(db, url, "pinger", await seedClient(db));
    const first = await pairFor(db, url, flow, clock.now());
    const { provider, saved } = providerFor(flow, first);
    const client = new Client({ name: "sdk test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp/pinger`), { authProvider: provider }),
    );
    cleanups.push(() => client.close());
    const ping = async () => textOf(await client.callTool({ name: "ping", arguments: {} }));
    expect(await ping()).toBe("pong");
    expect(saved).toHaveLength(1);

    await clock.advance(ACCESS_TOKEN_TTL_MS);
    expect(await ping()).toBe("pong");
    // One refresh, at our token endpoint, with the rotated pair kept.
    expect(saved).toHaveLength(2);
    expect(saved[1]?.access_token).not.toBe(first.access_token);
    expect(saved[1]?.refresh_token).not.toBe(first.refresh_token);
    expect(saved[1]?.access_token).toMatch(/^gsa_/);
  });
});
