import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mcpGrants } from "@gumstack/db";
import { testDriver } from "@gumstack/db/testing";
import { CONTEXT_HEADER, issueApiKey, readContext, runtimeSecretFor } from "@gumstack/runtime";
import { ManualClock } from "@gumstack/runtime/testing";
import { freePort } from "@gumstack/sdk/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashOf } from "../authorization/secrets.js";
import {
  codeFor,
  type Flow,
  pairFor,
  postForm,
  REDIRECT_URI,
  seedClient,
  seedFlow,
  tokensOf,
} from "../authorization/testing/fixtures.js";
import { type TestPlatform, testPlatform } from "../testing/api-client.js";
import { upstreamRunner } from "../testing/in-process-runner.js";

const RESULT = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools: [] } });

/**
 * `/mcp/<server>` with OAuth access tokens beside API keys: each server's token only there, an
 * expired or revoked one refused (with the token memory on, as in production), never one in the
 * URL, and the 401 pointing MCP clients at the server's protected resource metadata.
 */
describe(`the gateway's access-token check [${testDriver}]`, () => {
  const clock = new ManualClock();
  let platform: TestPlatform;
  let url: string;
  let upstream: Server;
  let upstreamUrl = "";
  let stop: () => Promise<void>;
  const seen: IncomingHttpHeaders[] = [];
  let servers = 0;

  // The server's process, as far as the gateway can tell: an MCP endpoint that answers one reply.
  const runner = upstreamRunner(() => upstreamUrl);

  const db = () => platform.database.db;
  const newFlow = async () => seedFlow(db(), url, `srv-${++servers}`, await seedClient(db()));
  const tokensFor = (flow: Flow) => pairFor(db(), url, flow, clock.now());
  const call = (server: string, authorization?: string, query = "") =>
    fetch(`${url}/mcp/${server}${query}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
  const serverName = (flow: Flow) => flow.resource.slice(`${url}/mcp/`.length);
  const challenge = (server: string, error?: string) =>
    `Bearer resource_metadata="${url}/.well-known/oauth-protected-resource/mcp/${server}", scope="mcp"${
      error ? `, error="${error}"` : ""
    }`;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on("end", () => {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(RESULT),
        });
        res.end(RESULT);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    url = `http://127.0.0.1:${await freePort()}`;
    // The token memory on, as in production: revocations here must still take effect at once.
    platform = await testPlatform({
      publicUrl: url,
      clock,
      cacheTtlMs: 60_000,
      runnerOf: () => runner,
    });
    stop = await platform.listen();
  });

  afterAll(async () => {
    await stop?.();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
    await platform?.close();
  });

  it("serves a call with an access token for that server, as its user, and never passes the token on", async () => {
    const flow = await newFlow();
    const tokens = await tokensFor(flow);
    const response = await call(serverName(flow), `Bearer ${tokens.access_token}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(RESULT);
    const headers = seen.at(-1) as IncomingHttpHeaders;
    expect(headers.authorization).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain(tokens.access_token);
    const context = readContext(
      runtimeSecretFor(platform.services.vault, flow.serverId),
      headers[CONTEXT_HEADER] as string,
      flow.serverId,
      clock.now(),
    );
    expect(context).toMatchObject({ userId: flow.userId, serverId: flow.serverId });
  });

  it("refuses a token for another server (its audience), a refresh token, and an upstream's token", async () => {
    const flow = await newFlow();
    const other = await newFlow();
    const tokens = await tokensFor(flow);
    const elsewhere = await call(serverName(other), `Bearer ${tokens.access_token}`);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get("www-authenticate")).toBe(
      challenge(serverName(other), "invalid_token"),
    );
    expect((await call(serverName(flow), `Bearer ${tokens.refresh_token}`)).status).toBe(401);
    // What a provider issued (a Google token, say) is nothing here.
    const foreign = await call(serverName(flow), "Bearer ya29.a0AfH6SMBx-not-ours");
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get("www-authenticate")).toBe(
      challenge(serverName(flow), "invalid_token"),
    );
    // The right server still takes it.
    expect((await call(serverName(flow), `Bearer ${tokens.access_token}`)).status).toBe(200);
  });

  it("challenges a call without credentials to authorize, naming the server's metadata", async () => {
    const flow = await newFlow();
    const response = await call(serverName(flow));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(challenge(serverName(flow)));
    expect(await response.json()).toMatchObject({ error: { code: -32001 } });
  });

  it("refuses a token in the query string, even beside a good one in the header", async () => {
    const flow = await newFlow();
    const tokens = await tokensFor(flow);
    const query = `?access_token=${tokens.access_token}`;
    const relayed = seen.length;
    const alone = await call(serverName(flow), undefined, query);
    expect(alone.status).toBe(400);
    expect(alone.headers.get("www-authenticate")).toBe(
      challenge(serverName(flow), "invalid_request"),
    );
    const both = await call(serverName(flow), `Bearer ${tokens.access_token}`, query);
    expect(both.status).toBe(400);
    // Neither reached the server (which would have seen the token in its URL).
    expect(seen.length).toBe(relayed);
  });

  it("refuses a revoked token at once, and the tokens of a grant deleted here", async () => {
    const flow = await newFlow();
    const tokens = await tokensFor(flow);
    const bearer = `Bearer ${tokens.access_token}`;
    expect((await call(serverName(flow), bearer)).status).toBe(200);
    const revoked = await postForm(`${url}/oauth/revoke`, {
      token: tokens.access_token,
      client_id: flow.client.clientId,
    });
    expect(revoked.status).toBe(200);
    const refused = await call(serverName(flow), bearer);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe(
      challenge(serverName(flow), "invalid_token"),
    );

    const again = await tokensFor(flow);
    expect((await call(serverName(flow), `Bearer ${again.access_token}`)).status).toBe(200);
    // Consent withdrawn (as Connected apps does it): the row goes, the memory forgets.
    await db().delete(mcpGrants).where(eq(mcpGrants.id, flow.grantId));
    platform.services.mcpTokens.forgetGrant(flow.grantId);
    expect((await call(serverName(flow), `Bearer ${again.access_token}`)).status).toBe(401);
  });

  it("refuses at once the tokens of a code replayed (an attacker's second redemption)", async () => {
    const flow = await newFlow();
    const { code, verifier } = await codeFor(db(), flow, clock.now());
    const redeem = () =>
      postForm(`${url}/oauth/token`, {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: flow.client.clientId,
      });
    const tokens = await tokensOf(await redeem());
    const bearer = `Bearer ${tokens.access_token}`;
    // Remembered now, for a minute.
    expect((await call(serverName(flow), bearer)).status).toBe(200);
    expect((await redeem()).status).toBe(400);
    expect((await call(serverName(flow), bearer)).status).toBe(401);
  });

  it("refuses a token from the moment it expires", async () => {
    const flow = await newFlow();
    const tokens = await tokensFor(flow);
    const bearer = `Bearer ${tokens.access_token}`;
    expect((await call(serverName(flow), bearer)).status).toBe(200);
    await clock.advance(60 * 60_000 - 1);
    expect((await call(serverName(flow), bearer)).status).toBe(200);
    await clock.advance(1);
    expect((await call(serverName(flow), bearer)).status).toBe(401);
  });

  it("records a grant's last use at most once a minute", async () => {
    const flow = await newFlow();
    const tokens = await tokensFor(flow);
    const bearer = `Bearer ${tokens.access_token}`;
    const lastUsed = async () => {
      const [grant] = await db().select().from(mcpGrants).where(eq(mcpGrants.id, flow.grantId));
      return grant?.lastUsedAt?.getTime() ?? null;
    };
    /** The write is not awaited by the call: wait for it (bounded). */
    const lastUsedBecomes = async (expected: number) => {
      for (let i = 0; i < 100 && (await lastUsed()) !== expected; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return lastUsed();
    };
    const first = clock.now();
    expect((await call(serverName(flow), bearer)).status).toBe(200);
    expect(await lastUsedBecomes(first)).toBe(first);
    // Looked up again (forgotten) 30 s later: no write.
    await clock.advance(30_000);
    platform.services.mcpTokens.forget([hashOf(tokens.access_token)]);
    expect((await call(serverName(flow), bearer)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await lastUsed()).toBe(first);
    await clock.advance(31_000);
    platform.services.mcpTokens.forget([hashOf(tokens.access_token)]);
    expect((await call(serverName(flow), bearer)).status).toBe(200);
    expect(await lastUsedBecomes(clock.now())).toBe(clock.now());
  });

  it("still takes API keys, and refuses a bad one with invalid_token", async () => {
    const flow = await newFlow();
    const { key } = await issueApiKey(db(), flow.userId, "desktop");
    expect((await call(serverName(flow), `Bearer ${key}`)).status).toBe(200);
    const bad = await call(serverName(flow), `Bearer gsk_${"a".repeat(32)}`);
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toBe(challenge(serverName(flow), "invalid_token"));
  });
});
