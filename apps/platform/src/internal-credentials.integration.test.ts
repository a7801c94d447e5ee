import { fileURLToPath } from "node:url";
import { connections, type Id, newId, users } from "@gumstack/db";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import {
  MAX_CONTEXT_TTL_MS,
  mintContext,
  runtimeSecretFor,
  saveFieldValues,
} from "@gumstack/runtime";
import { describeProvider } from "@gumstack/runtime/internal-api";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PUBLIC_URL,
  type SignedIn,
  type TestPlatform,
  testPlatform,
} from "./testing/api-client.js";

const example = (name: string) =>
  fileURLToPath(new URL(`apps/example-${name}`, `file://${repoRoot}`));

describe(`the credentials API for hosted servers [${testDriver}]`, () => {
  let platform: TestPlatform;
  let serverId: string;
  let oauthId: string;
  let userId: string;
  let secret: string;
  let owner: SignedIn;
  const otherId = newId("server");

  beforeAll(async () => {
    platform = await testPlatform();
    owner = await platform.signUp("owner@example.com");
    userId = owner.userId;
    // Registered and deployed (no process started): each deployment recorded its config.
    serverId = await platform.serverOf(owner, "example-cred", {
      authType: "cred",
      sourcePath: example("cred"),
    });
    oauthId = await platform.serverOf(owner, "example-oauth", {
      authType: "oauth",
      sourcePath: example("oauth"),
      provider: describeProvider({
        name: "oidc",
        getUrl: () => new URL("https://idp.test"),
        exchange: async () => ({ accessToken: "a", tokenType: "bearer", raw: {} }),
        refresh: async () => ({ accessToken: "a", tokenType: "bearer", raw: {} }),
        getNickname: async () => "ada",
      }),
    });
    secret = runtimeSecretFor(platform.services.vault, serverId);
  });
  afterAll(async () => platform?.close());

  const ask = (options: {
    server?: string;
    secret?: string;
    context?: string;
    kind?: string;
    headers?: Record<string, string>;
    body?: string;
  }) =>
    platform.app.request(`${PUBLIC_URL}/internal/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.secret === undefined ? {} : { authorization: `Bearer ${options.secret}` }),
        "x-gumstack-server": options.server ?? serverId,
        ...options.headers,
      },
      body:
        options.body ??
        JSON.stringify({ kind: options.kind ?? "cred", context: options.context ?? "" }),
    });
  const context = (id = serverId, at = Date.now(), key = secret, user = userId) =>
    mintContext(key, { userId: user, serverId: id, requestId: "r" }, at);
  const asOAuth = (kind = "oauth") => {
    const key = runtimeSecretFor(platform.services.vault, oauthId);
    return ask({ server: oauthId, secret: key, kind, context: context(oauthId, Date.now(), key) });
  };

  it("refuses a call without the server's runtime secret", async () => {
    for (const response of [
      await ask({ context: context() }),
      await ask({ secret: "k1.forged", context: context() }),
    ]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
  });

  it("refuses another server's runtime secret", async () => {
    const response = await ask({
      secret: runtimeSecretFor(platform.services.vault, otherId),
      context: context(),
    });
    expect(response.status).toBe(401);
  });

  it("refuses a context for another server", async () => {
    const foreign = context(
      otherId,
      Date.now(),
      runtimeSecretFor(platform.services.vault, otherId),
    );
    const response = await ask({ secret, context: foreign });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      error: { code: "context_invalid", message: expect.stringMatching(/^context: /) },
    });
  });

  it("refuses an expired context", async () => {
    const response = await ask({
      secret,
      context: context(serverId, Date.now() - MAX_CONTEXT_TTL_MS - 1_000),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringContaining("expired") },
    });
  });

  it("refuses a context presented by another server", async () => {
    const response = await ask({
      server: otherId,
      secret: runtimeSecretFor(platform.services.vault, otherId),
      context: context(),
    });
    expect(response.status).toBe(403);
  });

  it("refuses a malformed deadline, and a body over the internal API's limit", async () => {
    const late = await ask({
      secret,
      context: context(),
      headers: { "x-gumstack-deadline": "tomorrow" },
    });
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({
      error: { code: "bad_request", message: expect.stringMatching(/^x-gumstack-deadline: /) },
    });
    const big = await ask({
      secret,
      body: JSON.stringify({ kind: "cred", context: "x".repeat(20_000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("answers for the context's user: first the form to fill, then the values", async () => {
    const missing = await ask({ secret, context: context() });
    expect(missing.status).toBe(200);
    const { url } = (await missing.json()) as { status: string; url: string };
    expect(url).toMatch(new RegExp(`^${PUBLIC_URL}/auth/form/example-cred\\?ticket=`));

    const path = url.slice(PUBLIC_URL.length);
    // Opened in the owner's signed-in browser, as the link's user.
    const cookie = { cookie: owner.cookie };
    const form = await (
      await platform.app.request(`${PUBLIC_URL}${path}`, { headers: cookie })
    ).text();
    expect(form).toContain('action="/auth/form/example-cred"');
    const ticket = /name="ticket" value="([^"]+)"/.exec(form)?.[1] as string;
    const csrf = /name="csrf" value="([^"]+)"/.exec(form)?.[1] as string;
    const saved = await platform.app.request(`${PUBLIC_URL}/auth/form/example-cred`, {
      method: "POST",
      headers: cookie,
      body: new URLSearchParams({
        ticket,
        csrf,
        api_key: "crm_live_value_0001",
        workspace: "acme",
      }),
    });
    expect(saved.status).toBe(200);

    const answer = await ask({ secret, context: context() });
    expect(await answer.json()).toEqual({
      status: "ok",
      credentials: {
        values: { api_key: "crm_live_value_0001", workspace: "acme" },
        secret: ["api_key"],
      },
    });
  });

  it("asks for values no key opens again (not a 500), and logs no value", async () => {
    const foreign = new Vault(parseKeyRing(generateKeySpec("k9"), "foreign"));
    await saveFieldValues(platform.database.db, foreign, userId as Id<"user">, serverId as never, {
      api_key: "crm_live_unreadable_01",
      workspace: "acme",
    });
    const response = await ask({ secret, context: context() });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "auth_required",
      reason: "credentials_missing",
      url: expect.stringContaining("/auth/form/example-cred?ticket="),
    });
    expect(platform.lines.join("\n")).toContain("could not be opened");
    expect(platform.lines.join("\n")).not.toContain("crm_live_unreadable_01");
  });

  it("refuses a kind that is not the server's, naming the call to make", async () => {
    const response = await ask({ secret, kind: "oauth", context: context() });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      error: {
        code: "auth_type_mismatch",
        message:
          'example-cred is a cred server, so call getCredentials("cred") (not getCredentials())',
      },
    });
  });

  it("says unavailable, not 500, when the provider cannot refresh now", async () => {
    const id = newId("connection");
    const { vault } = platform.services;
    const sealed = (value: string, field: string) =>
      vault.encrypt(value, { table: "connections", id, field });
    await platform.database.db.insert(connections).values({
      id,
      userId: userId as Id<"user">,
      serverId: oauthId as Id<"server">,
      provider: "oidc",
      nickname: "ada",
      accessToken: sealed("at-expired", "access_token"),
      refreshToken: sealed("rt-0001", "refresh_token"),
      tokenType: "bearer",
      scopes: [],
      expiresAt: new Date(Date.now() - 1_000),
    });
    // The server's process, where its provider runs, is not running.
    const response = await asOAuth();
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      error: { code: "unavailable", message: "the oidc token cannot be refreshed now; try again" },
    });
  });

  it("says so when a server has no successful deployment yet", async () => {
    const owner = await platform.signUp("late@example.com");
    const late = await platform.serverOf(owner, "not-deployed", { authType: "cred" });
    const key = runtimeSecretFor(platform.services.vault, late);
    const response = await ask({
      server: late,
      secret: key,
      context: context(late, Date.now(), key),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      error: { code: "unavailable", message: expect.stringContaining("no successful deployment") },
    });
  });

  it("refuses a user deleted while their request was under way, clearly", async () => {
    const gone = await platform.signUp("gone@example.com");
    await platform.database.db.delete(users).where(eq(users.id, gone.userId as Id<"user">));
    const response = await ask({
      secret,
      context: context(serverId, Date.now(), secret, gone.userId),
    });
    expect(response.status).toBe(410);
    expect(await response.json()).toMatchObject({
      error: {
        code: "user_gone",
        message: `the user ${gone.userId} no longer exists: there are no credentials to hand out`,
      },
    });
  });
});
