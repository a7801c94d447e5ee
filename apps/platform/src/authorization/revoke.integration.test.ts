import { mcpTokens } from "@gumstack/db";
import { testDriver } from "@gumstack/db/testing";
import { freePort } from "@gumstack/sdk/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestPlatform, testPlatform } from "../testing/api-client.js";
import { hashOf } from "./secrets.js";
import { basic, pairFor, postForm, seedClient, seedFlow, tokensOf } from "./testing/fixtures.js";

/** POST /oauth/revoke (RFC 7009). */
describe(`token revocation [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let stop: () => Promise<void>;
  let servers = 0;

  const db = () => platform.database.db;
  const newFlow = async (method: Parameters<typeof seedClient>[1] = "none") =>
    seedFlow(db(), url, `srv-${++servers}`, await seedClient(db(), method));
  const revoke = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(`${url}/oauth/revoke`, params, headers);
  const revokedAt = async (token: string) => {
    const [row] = await db()
      .select()
      .from(mcpTokens)
      .where(eq(mcpTokens.hash, hashOf(token)));
    return row?.revokedAt ?? null;
  };

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url });
    stop = await platform.listen();
  });

  afterAll(async () => {
    await stop?.();
    await platform?.close();
  });

  it("revokes an access token alone", async () => {
    const flow = await newFlow();
    const tokens = await pairFor(db(), url, flow, platform.services.now());
    const response = await revoke({
      token: tokens.access_token,
      token_type_hint: "access_token",
      client_id: flow.client.clientId,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await revokedAt(tokens.access_token)).not.toBeNull();
    expect(await revokedAt(tokens.refresh_token)).toBeNull();
  });

  it("revokes a refresh token with its family's access tokens, whatever the hint says", async () => {
    const flow = await newFlow();
    const first = await pairFor(db(), url, flow, platform.services.now());
    const second = await tokensOf(
      await postForm(`${url}/oauth/token`, {
        grant_type: "refresh_token",
        refresh_token: first.refresh_token,
        client_id: flow.client.clientId,
      }),
    );
    const response = await revoke({
      token: second.refresh_token,
      token_type_hint: "access_token",
      client_id: flow.client.clientId,
    });
    expect(response.status).toBe(200);
    for (const token of [first.access_token, second.access_token, second.refresh_token]) {
      expect(await revokedAt(token)).not.toBeNull();
    }
    const refreshed = await postForm(`${url}/oauth/token`, {
      grant_type: "refresh_token",
      refresh_token: second.refresh_token,
      client_id: flow.client.clientId,
    });
    expect(await refreshed.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("answers 200 for a token it does not know, and again for one already revoked", async () => {
    const flow = await newFlow();
    const tokens = await pairFor(db(), url, flow, platform.services.now());
    expect((await revoke({ token: "gsa_unknown", client_id: flow.client.clientId })).status).toBe(
      200,
    );
    for (let i = 0; i < 2; i++) {
      expect(
        (await revoke({ token: tokens.access_token, client_id: flow.client.clientId })).status,
      ).toBe(200);
    }
  });

  it("authenticates the client, and refuses to revoke another client's token", async () => {
    const confidential = await newFlow("client_secret_basic");
    const id = confidential.client.clientId;
    const secret = confidential.client.secret as string;
    const tokens = await pairFor(db(), url, confidential, platform.services.now(), {
      authorization: basic(id, secret),
    });
    const wrong = await revoke(
      { token: tokens.access_token },
      { authorization: basic(id, "nope") },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });
    expect(await revokedAt(tokens.access_token)).toBeNull();

    const other = await newFlow();
    const theirs = await revoke({ token: tokens.access_token, client_id: other.client.clientId });
    expect(theirs.status).toBe(400);
    expect(await theirs.json()).toEqual({
      error: "invalid_request",
      error_description: "token: was issued to another client",
    });
    expect(await revokedAt(tokens.access_token)).toBeNull();

    const own = await revoke({ token: tokens.access_token }, { authorization: basic(id, secret) });
    expect(own.status).toBe(200);
    expect(await revokedAt(tokens.access_token)).not.toBeNull();
  });

  it("requires the token, in the body", async () => {
    const flow = await newFlow();
    expect(await (await revoke({ client_id: flow.client.clientId })).json()).toEqual({
      error: "invalid_request",
      error_description: "token: missing",
    });
    const inUrl = await fetch(`${url}/oauth/revoke?token=gsa_x&client_id=${flow.client.clientId}`, {
      method: "POST",
    });
    expect(inUrl.status).toBe(400);
    expect(await inUrl.json()).toMatchObject({ error: "invalid_request" });
  });
});
