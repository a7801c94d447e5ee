import { newId } from "@gumstack/db";
import { type ScriptedServer, sendJson, startScriptedServer } from "@gumstack/oauth/testing";
import {
  CONTEXT_HEADER,
  CREDENTIALS_WAIT_MS,
  HOP_MARGIN_MS,
  MAX_CONTEXT_TTL_MS,
  mintContext,
  runtimeSecretFor,
} from "@gumstack/runtime";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCredentials } from "../get-credentials.js";
import { capturingLogger, textOf } from "../testing/host-harness.js";
import { GumstackHost } from "./gumstack-host.js";

const platformVault = new Vault(parseKeyRing(generateKeySpec("k1"), "platform"));
const serverId = newId("server");
const otherServerId = newId("server");
const secret = runtimeSecretFor(platformVault, serverId);

describe("a hosted server (run by the platform)", () => {
  let platform: ScriptedServer;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    // Stands in for the platform's credentials API: records what the server sends.
    platform = await startScriptedServer((_, res) =>
      sendJson(res, 200, {
        status: "auth_required",
        url: "http://127.0.0.1:1/auth/start/x?ticket=t",
        reason: "not_connected",
        what: "oidc",
      }),
    );
    const mcp = new McpServer({ name: "hosted", version: "1.0.0" });
    mcp.registerTool("env", { description: "names it sees" }, () => ({
      content: [{ type: "text", text: Object.keys(getCredentials("none")).sort().join(",") }],
    }));
    const host = new GumstackHost(
      mcp,
      { name: "hosted", auth: { type: "none" } },
      {
        env: {
          GUMSTACK_HOST: "127.0.0.1",
          GUMSTACK_PORT: "0",
          GUMSTACK_SERVER_ID: serverId,
          GUMSTACK_RUNTIME_SECRET: secret,
          GUMSTACK_PLATFORM_URL: platform.url,
          WEATHER_API_KEY: "a dashboard variable",
        },
        log: capturingLogger().log,
      },
    );
    const running = await host.run([]);
    url = running.url;
    close = running.close;
  });
  afterAll(async () => {
    await close?.();
    await platform?.close();
  });

  const call = (context?: string) =>
    fetch(`${url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        // JSON only: the reply as one JSON body (a client accepting SSE gets a stream).
        accept: "application/json",
        ...(context === undefined ? {} : { [CONTEXT_HEADER]: context }),
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "env", arguments: {} },
      }),
    });

  it("serves a request that carries a valid context for its own server", async () => {
    const context = mintContext(secret, { userId: "usr_1", serverId, requestId: "r1" }, Date.now());
    const response = await call(context);
    expect(response.status).toBe(200);
    expect(textOf(((await response.json()) as { result: unknown }).result)).toBe("WEATHER_API_KEY");
  });

  it.each([
    ["no context", () => undefined],
    [
      "an expired context",
      () =>
        mintContext(
          secret,
          { userId: "u", serverId, requestId: "r" },
          Date.now() - MAX_CONTEXT_TTL_MS - 1_000,
        ),
    ],
    [
      "a context for another server",
      () =>
        mintContext(
          runtimeSecretFor(platformVault, otherServerId),
          { userId: "u", serverId: otherServerId, requestId: "r" },
          Date.now(),
        ),
    ],
    [
      "another server's context relabelled",
      () =>
        mintContext(
          runtimeSecretFor(platformVault, otherServerId),
          { userId: "u", serverId, requestId: "r" },
          Date.now(),
        ),
    ],
    ["an API key instead", () => "gsk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
  ])("refuses %s with 401", async (_, context) => {
    const response = await call(context());
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Gumstack-Context realm="hosted"');
  });

  it("asks the platform for oauth credentials with the request's context and its runtime secret", async () => {
    const mcp = new McpServer({ name: "hosted-oauth", version: "1.0.0" });
    mcp.registerTool("whoami", { description: "needs a token" }, async () => {
      const { nickname } = await getCredentials();
      return { content: [{ type: "text", text: nickname }] };
    });
    const host = new GumstackHost(
      mcp,
      { name: "hosted-oauth", auth: { type: "oauth" } },
      {
        env: {
          GUMSTACK_HOST: "127.0.0.1",
          GUMSTACK_PORT: "0",
          GUMSTACK_SERVER_ID: serverId,
          GUMSTACK_RUNTIME_SECRET: secret,
          GUMSTACK_PLATFORM_URL: platform.url,
        },
        log: capturingLogger().log,
      },
    );
    // The provider runs here; the platform's broker calls it through /internal/auth.
    host.registerAuth({
      name: "acme",
      getUrl: (redirectUri, state) => new URL(`https://acme.test/auth?r=${redirectUri}&s=${state}`),
      exchange: async () => ({ accessToken: "a", tokenType: "bearer", raw: {} }),
      refresh: async () => ({ accessToken: "b", tokenType: "bearer", raw: {} }),
      getNickname: async (token) => `holder of ${token}`,
    });
    const running = await host.run([]);
    try {
      const internal = (authorization: string | undefined, body?: unknown) =>
        fetch(`${running.url}/internal/auth`, {
          method: body === undefined ? "GET" : "POST",
          headers: {
            ...(authorization === undefined ? {} : { authorization }),
            "content-type": "application/json",
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect((await internal(undefined)).status).toBe(401);
      expect(
        (await internal("Bearer not-the-secret", { op: "refresh", refreshToken: "r" })).status,
      ).toBe(401);
      expect(await (await internal(`Bearer ${secret}`)).json()).toEqual({
        name: "acme",
        pkce: true,
        defaultTokenLifetime: null,
        defaultScopes: null,
        revocable: false,
      });
      expect(
        await (await internal(`Bearer ${secret}`, { op: "getNickname", accessToken: "t1" })).json(),
      ).toEqual({ result: "holder of t1" });

      const mintedAt = Date.now();
      const context = mintContext(secret, { userId: "usr_9", serverId, requestId: "r9" }, mintedAt);
      const response = await fetch(`${running.url}/mcp`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          [CONTEXT_HEADER]: context,
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "whoami", arguments: {} },
        }),
      });
      const { result } = (await response.json()) as { result: { isError?: boolean } };
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe(
        "Connect your oidc account first, then try again: http://127.0.0.1:1/auth/start/x?ticket=t",
      );
      // Not simply the last request: the server also reports its activity, on a timer.
      const sent = platform.requests.filter((r) => r.path === "/internal/credentials").at(-1);
      expect(sent).toBeDefined();
      expect(sent?.headers.authorization).toBe(`Bearer ${secret}`);
      expect(sent?.headers["x-gumstack-server"]).toBe(serverId);
      expect(JSON.parse(sent?.body ?? "{}")).toEqual({ kind: "oauth", context });
      // The platform is told when this process stops waiting: a margin before this call's own
      // wait ends (the context, which lives longer, leaves it whole).
      const deadline = Number(sent?.headers["x-gumstack-deadline"]);
      expect(deadline).toBeGreaterThanOrEqual(mintedAt + CREDENTIALS_WAIT_MS - HOP_MARGIN_MS);
      expect(deadline).toBeLessThanOrEqual(Date.now() + CREDENTIALS_WAIT_MS - HOP_MARGIN_MS);
    } finally {
      await running.close();
    }
  });
});
