import { mcpGrants, mcpTokens } from "@gumstack/db";
import { findPlaintext, testDriver } from "@gumstack/db/testing";
import { ManualClock } from "@gumstack/runtime/testing";
import { freePort } from "@gumstack/sdk/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestPlatform, testPlatform } from "../testing/api-client.js";
import { issueCode } from "./codes.js";
import { hashOf } from "./secrets.js";
import {
  type Flow,
  pairFor,
  pkce,
  postForm,
  REDIRECT_URI,
  seedClient,
  seedFlow,
  tokensOf,
} from "./testing/fixtures.js";
import { REFRESH_GRACE_MS } from "./tokens.js";

/** POST /oauth/token's refresh_token grant: rotation, the grace window, reuse detection. */
describe(`the token endpoint: refresh tokens [${testDriver}]`, () => {
  const clock = new ManualClock();
  let platform: TestPlatform;
  let url: string;
  let tokenUrl: string;
  let stop: () => Promise<void>;
  let servers = 0;

  const db = () => platform.database.db;
  const newFlow = async () => seedFlow(db(), url, `srv-${++servers}`, await seedClient(db()));
  const firstPair = (flow: Flow) => pairFor(db(), url, flow, clock.now());
  const refresh = (flow: Flow, refreshToken: string, extra: Record<string, string> = {}) =>
    postForm(tokenUrl, {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: flow.client.clientId,
      ...extra,
    });
  const errorOf = async (response: Response) => ({
    status: response.status,
    body: (await response.json()) as unknown,
  });
  const row = async (token: string) => {
    const [found] = await db()
      .select()
      .from(mcpTokens)
      .where(eq(mcpTokens.hash, hashOf(token)));
    return found;
  };

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    tokenUrl = `${url}/oauth/token`;
    platform = await testPlatform({ publicUrl: url, clock });
    stop = await platform.listen();
  });

  afterAll(async () => {
    await stop?.();
    await platform?.close();
  });

  it("rotates: a new pair for the refresh token, which is then spent", async () => {
    const flow = await newFlow();
    const first = await firstPair(flow);
    const response = await refresh(flow, first.refresh_token, { resource: flow.resource });
    expect(response.headers.get("cache-control")).toBe("no-store");
    const second = await tokensOf(response);
    expect(second).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "mcp" });
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const old = await row(first.refresh_token);
    expect(old?.rotatedAt?.getTime()).toBe(clock.now());
    // Kept for the grace window, sealed: the new tokens are nowhere in plaintext.
    expect(old?.successor).toEqual(expect.any(String));
    expect(
      await findPlaintext(db(), [
        first.access_token,
        first.refresh_token,
        second.access_token,
        second.refresh_token,
      ]),
    ).toEqual([]);
    expect(await row(second.refresh_token)).toMatchObject({
      kind: "refresh",
      familyId: old?.familyId,
      rotatedAt: null,
    });
    // The next rotation clears the sealed pair of the one before, once its window is over.
    await clock.advance(REFRESH_GRACE_MS + 1);
    await tokensOf(await refresh(flow, second.refresh_token));
    expect((await row(first.refresh_token))?.successor).toBeNull();
  });

  it("gives the same pair to the same refresh token presented again within the grace window", async () => {
    const flow = await newFlow();
    const first = await firstPair(flow);
    const rotated = await tokensOf(await refresh(flow, first.refresh_token));
    await clock.advance(REFRESH_GRACE_MS - 1);
    const again = await tokensOf(await refresh(flow, first.refresh_token));
    expect(again.access_token).toBe(rotated.access_token);
    expect(again.refresh_token).toBe(rotated.refresh_token);
    // expires_in counts down from the pair's issue.
    expect(again.expires_in).toBe(3600 - Math.ceil((REFRESH_GRACE_MS - 1) / 1000));
    // Two at once: one rotation, both answers the same pair.
    const both = await Promise.all([
      refresh(flow, rotated.refresh_token),
      refresh(flow, rotated.refresh_token),
    ]);
    const [a, b] = await Promise.all(both.map(tokensOf));
    expect(a?.refresh_token).toBe(b?.refresh_token);
    expect(a?.access_token).toBe(b?.access_token);
    const family = await db().select().from(mcpTokens).where(eq(mcpTokens.grantId, flow.grantId));
    expect(family.filter((t) => t.kind === "refresh")).toHaveLength(3);
  });

  it("revokes the family when a rotated refresh token comes back after the window", async () => {
    const flow = await newFlow();
    const first = await firstPair(flow);
    const second = await tokensOf(await refresh(flow, first.refresh_token));
    await clock.advance(REFRESH_GRACE_MS + 1);
    expect(await errorOf(await refresh(flow, first.refresh_token))).toEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: "refresh_token: already used; every token issued with it is revoked",
      },
    });
    const family = await db().select().from(mcpTokens).where(eq(mcpTokens.grantId, flow.grantId));
    expect(family).toHaveLength(4);
    expect(family.every((t) => t.revokedAt !== null && t.successor === null)).toBe(true);
    // The pair the thief (or the client) got is gone as well.
    expect((await errorOf(await refresh(flow, second.refresh_token))).body).toMatchObject({
      error: "invalid_grant",
    });
  });

  it("refuses an expired refresh token, another client's, and one whose grant was revoked", async () => {
    const flow = await newFlow();
    const tokens = await firstPair(flow);
    const other = await seedClient(db());
    expect(
      (await errorOf(await refresh(flow, tokens.refresh_token, { client_id: other.clientId })))
        .body,
    ).toEqual({
      error: "invalid_grant",
      error_description: "refresh_token: issued to another client",
    });
    // Nor did that spend it.
    const fresh = await tokensOf(await refresh(flow, tokens.refresh_token));

    await db()
      .update(mcpTokens)
      .set({ expiresAt: new Date(clock.now()) })
      .where(eq(mcpTokens.hash, hashOf(fresh.refresh_token)));
    expect(await errorOf(await refresh(flow, fresh.refresh_token))).toEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: "refresh_token: unknown, expired or revoked",
      },
    });

    const revoked = await newFlow();
    const held = await firstPair(revoked);
    // The user withdraws consent: the grant goes, and its tokens with it.
    await db().delete(mcpGrants).where(eq(mcpGrants.id, revoked.grantId));
    expect((await errorOf(await refresh(revoked, held.refresh_token))).body).toMatchObject({
      error: "invalid_grant",
    });
    expect(await row(held.access_token)).toBeUndefined();
  });

  it("lets scope narrow, never widen, and keeps the token's resource", async () => {
    const flow = await newFlow();
    const tokens = await firstPair(flow);
    expect(
      (await errorOf(await refresh(flow, tokens.refresh_token, { scope: "mcp admin" }))).body,
    ).toEqual({ error: "invalid_scope", error_description: "scope: admin was not granted" });
    expect(
      (await errorOf(await refresh(flow, tokens.refresh_token, { resource: `${url}/mcp/other` })))
        .body,
    ).toEqual({ error: "invalid_target", error_description: "resource: differs from the token's" });
    const same = await tokensOf(await refresh(flow, tokens.refresh_token, { scope: "mcp" }));
    expect(same.scope).toBe("mcp");
    expect((await row(same.access_token))?.resource).toBe(flow.resource);
  });

  it("narrows the access token only: the new refresh token keeps the scopes of the old (RFC 6749 6)", async () => {
    const flow = await newFlow();
    // A grant of two scopes (only `mcp` is ours today; the rule is for when there are more).
    const { verifier, challenge } = pkce();
    const code = await issueCode(
      db(),
      {
        grantId: flow.grantId,
        redirectUri: REDIRECT_URI,
        codeChallenge: challenge,
        resource: flow.resource,
        scopes: ["mcp", "prompts"],
      },
      clock.now(),
    );
    const first = await tokensOf(
      await postForm(tokenUrl, {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: flow.client.clientId,
      }),
    );
    expect(first.scope).toBe("mcp prompts");
    const narrow = await tokensOf(await refresh(flow, first.refresh_token, { scope: "mcp" }));
    expect(narrow.scope).toBe("mcp");
    expect((await row(narrow.access_token))?.scopes).toEqual(["mcp"]);
    expect((await row(narrow.refresh_token))?.scopes).toEqual(["mcp", "prompts"]);
    const wide = await tokensOf(await refresh(flow, narrow.refresh_token));
    expect(wide.scope).toBe("mcp prompts");
  });

  it("refuses an access token presented as a refresh token", async () => {
    const flow = await newFlow();
    const tokens = await firstPair(flow);
    expect((await errorOf(await refresh(flow, tokens.access_token))).body).toMatchObject({
      error: "invalid_grant",
    });
  });
});
