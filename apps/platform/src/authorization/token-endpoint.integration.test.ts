import { mcpCodes, mcpTokens } from "@gumstack/db";
import { testDriver } from "@gumstack/db/testing";
import { ManualClock } from "@gumstack/runtime/testing";
import { freePort } from "@gumstack/sdk/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestPlatform, testPlatform } from "../testing/api-client.js";
import { hashOf } from "./secrets.js";
import {
  basic,
  codeFor,
  type Flow,
  postForm,
  REDIRECT_URI,
  seedClient,
  seedFlow,
  tokensOf,
} from "./testing/fixtures.js";

/**
 * POST /oauth/token's authorization_code grant over HTTP, against codes issued as the consent
 * page issues them and clients stored in mcp_clients (the registry's table).
 */
describe(`the token endpoint: authorization codes [${testDriver}]`, () => {
  const clock = new ManualClock();
  let platform: TestPlatform;
  let url: string;
  let tokenUrl: string;
  let flow: Flow;
  let stop: () => Promise<void>;
  let servers = 0;

  const db = () => platform.database.db;
  /** A new user, server and public client with a consented grant. */
  const newFlow = async (method: Parameters<typeof seedClient>[1] = "none") =>
    seedFlow(db(), url, `srv-${++servers}`, await seedClient(db(), method));
  const exchange = (
    f: Flow,
    code: string,
    verifier: string,
    extra: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) =>
    postForm(
      tokenUrl,
      {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: f.client.clientId,
        ...extra,
      },
      headers,
    );
  const errorOf = async (response: Response) => ({
    status: response.status,
    body: (await response.json()) as unknown,
  });
  const liveTokens = async (familyId: string) =>
    (
      await db()
        .select()
        .from(mcpTokens)
        .where(eq(mcpTokens.familyId, familyId as never))
    ).filter((t) => t.revokedAt === null).length;
  const familyOf = async (code: string) => {
    const [row] = await db()
      .select()
      .from(mcpCodes)
      .where(eq(mcpCodes.codeHash, hashOf(code)));
    return row?.id as string;
  };

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    tokenUrl = `${url}/oauth/token`;
    platform = await testPlatform({ publicUrl: url, clock });
    stop = await platform.listen();
    flow = await newFlow();
  });

  afterAll(async () => {
    await stop?.();
    await platform?.close();
  });

  it("exchanges a code for an access and a refresh token, uncacheable, stored hashed", async () => {
    const { code, verifier } = await codeFor(db(), flow, clock.now());
    const response = await exchange(flow, code, verifier, { resource: flow.resource });
    expect(response.headers.get("cache-control")).toBe("no-store");
    const tokens = await tokensOf(response);
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^gsa_[A-Za-z0-9_-]{43}$/),
      refresh_token: expect.stringMatching(/^gsr_[A-Za-z0-9_-]{43}$/),
      token_type: "Bearer",
      expires_in: 3600,
      scope: "mcp",
    });
    const rows = await db().select().from(mcpTokens).where(eq(mcpTokens.grantId, flow.grantId));
    expect(rows.map((r) => [r.kind, r.hash, r.resource]).sort()).toEqual(
      [
        ["access", hashOf(tokens.access_token), flow.resource],
        ["refresh", hashOf(tokens.refresh_token), flow.resource],
      ].sort(),
    );
    expect(JSON.stringify(rows)).not.toContain(tokens.access_token);
  });

  it("takes a code once: used again, it is refused and what it gave is revoked", async () => {
    const { code, verifier } = await codeFor(db(), flow, clock.now());
    await tokensOf(await exchange(flow, code, verifier));
    const family = await familyOf(code);
    expect(await liveTokens(family)).toBe(2);
    expect(await errorOf(await exchange(flow, code, verifier))).toEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: "code: already used; what it was exchanged for is revoked",
      },
    });
    expect(await liveTokens(family)).toBe(0);
  });

  it("of two redemptions of one code at once, exactly one gets tokens", async () => {
    const { code, verifier } = await codeFor(db(), flow, clock.now());
    const answers = await Promise.all([
      exchange(flow, code, verifier),
      exchange(flow, code, verifier),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 400]);
    const refused = answers.find((a) => a.status === 400) as Response;
    expect(await refused.json()).toMatchObject({ error: "invalid_grant" });
    // The second was a replay: what the first got is revoked too (RFC 6749 4.1.2).
    expect(await liveTokens(await familyOf(code))).toBe(0);
  });

  it("requires PKCE: a missing, malformed, plain or wrong verifier is refused", async () => {
    const { code, verifier } = await codeFor(db(), flow, clock.now());
    const { code_verifier: _, ...withoutVerifier } = {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: "",
      client_id: flow.client.clientId,
    };
    expect(await errorOf(await postForm(tokenUrl, withoutVerifier))).toEqual({
      status: 400,
      body: { error: "invalid_request", error_description: "code_verifier: missing" },
    });
    expect(await errorOf(await exchange(flow, code, "short"))).toMatchObject({
      status: 400,
      body: {
        error: "invalid_request",
        error_description: expect.stringMatching(/^code_verifier: /),
      },
    });
    // Neither spent the code: the right verifier still redeems it.
    await tokensOf(await exchange(flow, code, verifier));

    // A downgrade to `plain`: the challenge itself sent as the verifier.
    const plain = await codeFor(db(), flow, clock.now());
    const [row] = await db()
      .select()
      .from(mcpCodes)
      .where(eq(mcpCodes.codeHash, hashOf(plain.code)));
    expect(await errorOf(await exchange(flow, plain.code, row?.codeChallenge as string))).toEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: "code_verifier: does not match the code_challenge",
      },
    });
    // A failed check spends the code: the verifier cannot be guessed at.
    expect((await errorOf(await exchange(flow, plain.code, plain.verifier))).body).toMatchObject({
      error: "invalid_grant",
    });

    const wrong = await codeFor(db(), flow, clock.now());
    expect((await errorOf(await exchange(flow, wrong.code, "a".repeat(43)))).body).toMatchObject({
      error: "invalid_grant",
      error_description: "code_verifier: does not match the code_challenge",
    });
  });

  it("refuses another redirect_uri, another resource, an expired code and an unknown one", async () => {
    const one = await codeFor(db(), flow, clock.now());
    expect(
      await errorOf(
        await exchange(flow, one.code, one.verifier, { redirect_uri: "http://127.0.0.1:1/evil" }),
      ),
    ).toEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: "redirect_uri: differs from the authorization request's",
      },
    });
    const two = await codeFor(db(), flow, clock.now());
    expect(
      await errorOf(await exchange(flow, two.code, two.verifier, { resource: `${url}/mcp/other` })),
    ).toEqual({
      status: 400,
      body: {
        error: "invalid_target",
        error_description: "resource: differs from the authorization request's",
      },
    });
    const three = await codeFor(db(), flow, clock.now());
    await clock.advance(60_001);
    expect((await errorOf(await exchange(flow, three.code, three.verifier))).body).toEqual({
      error: "invalid_grant",
      error_description: "code: expired",
    });
    expect((await errorOf(await exchange(flow, "gsc_nope", three.verifier))).body).toEqual({
      error: "invalid_grant",
      error_description: "code: unknown or expired",
    });
  });

  it("refuses a code issued to another client", async () => {
    const other = await seedClient(db());
    const { code, verifier } = await codeFor(db(), flow, clock.now());
    expect(
      await errorOf(await exchange(flow, code, verifier, { client_id: other.clientId })),
    ).toEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: "client_id: the code was issued to another client",
      },
    });
  });

  it("answers invalid_client with 401: unknown client, wrong secret, wrong method", async () => {
    const { code, verifier } = await codeFor(db(), flow, clock.now());
    const unknown = await exchange(flow, code, verifier, { client_id: "mcl_unknown" });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toBeNull();
    expect(await unknown.json()).toEqual({
      error: "invalid_client",
      error_description:
        "client_id: no client 'mcl_unknown' is registered here (a registration may have been deleted: register again)",
    });

    const confidential = await newFlow("client_secret_basic");
    const secret = confidential.client.secret as string;
    const id = confidential.client.clientId;
    const issued = await codeFor(db(), confidential, clock.now());
    const badBasic = await exchange(
      confidential,
      issued.code,
      issued.verifier,
      {},
      {
        authorization: basic(id, `${secret}x`),
      },
    );
    expect(badBasic.status).toBe(401);
    expect(badBasic.headers.get("www-authenticate")).toMatch(/^Basic realm="gumstack"/);
    expect(await badBasic.json()).toEqual({
      error: "invalid_client",
      error_description: "client_secret: wrong",
    });
    // A confidential client with no secret at all, or its secret in the body instead.
    expect((await exchange(confidential, issued.code, issued.verifier)).status).toBe(401);
    const posted = await exchange(confidential, issued.code, issued.verifier, {
      client_secret: secret,
    });
    expect(await errorOf(posted)).toEqual({
      status: 401,
      body: {
        error: "invalid_client",
        error_description: "client authentication: this client uses client_secret_basic",
      },
    });
    // None of that spent the code: the client authenticated properly redeems it.
    const good = await exchange(
      confidential,
      issued.code,
      issued.verifier,
      {},
      {
        authorization: basic(id, secret),
      },
    );
    expect((await tokensOf(good)).token_type).toBe("Bearer");

    const post = await newFlow("client_secret_post");
    const postCode = await codeFor(db(), post, clock.now());
    const right = await exchange(post, postCode.code, postCode.verifier, {
      client_secret: post.client.secret as string,
    });
    expect(right.status).toBe(200);
  });

  it("refuses parameters in the URL, repeated, or not form-encoded, and unknown grant types", async () => {
    const { code, verifier } = await codeFor(db(), flow, clock.now());
    const params = {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: flow.client.clientId,
    };
    const inUrl = await fetch(`${tokenUrl}?${new URLSearchParams(params)}`, { method: "POST" });
    expect(await errorOf(inUrl)).toEqual({
      status: 400,
      body: {
        error: "invalid_request",
        error_description: "parameters must be sent in the body, not the URL",
      },
    });
    const twice = await fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `${new URLSearchParams(params)}&redirect_uri=${encodeURIComponent("http://127.0.0.1:1/x")}`,
    });
    expect(await errorOf(twice)).toEqual({
      status: 400,
      body: { error: "invalid_request", error_description: "redirect_uri: sent more than once" },
    });
    const json = await fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    expect((await errorOf(json)).body).toEqual({
      error: "invalid_request",
      error_description: "content-type: must be application/x-www-form-urlencoded",
    });
    expect(
      (await errorOf(await postForm(tokenUrl, { ...params, grant_type: "password" }))).body,
    ).toMatchObject({ error: "unsupported_grant_type" });
    expect(
      (
        await errorOf(
          await postForm(tokenUrl, {
            grant_type: "authorization_code",
            client_id: flow.client.clientId,
          }),
        )
      ).body,
    ).toEqual({ error: "invalid_request", error_description: "code: missing" });
    // None of these spent it.
    expect((await postForm(tokenUrl, params)).status).toBe(200);
  });

  it("answers browser clients' preflights and lets any origin read its answers", async () => {
    const preflight = await fetch(tokenUrl, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const { code, verifier } = await codeFor(db(), flow, clock.now());
    const answer = await exchange(flow, code, verifier, {}, { origin: "https://app.example" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    const refused = await exchange(flow, code, verifier, {}, { origin: "https://app.example" });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
    expect(refused.headers.get("access-control-expose-headers")).toBe("WWW-Authenticate");
  });
});
