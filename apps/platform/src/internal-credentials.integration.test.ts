import { fileURLToPath } from "node:url";
import { type Id, newId } from "@gumstack/db";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { mintContext, runtimeSecretFor } from "@gumstack/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerServer } from "./servers/register.js";
import {
  PUBLIC_URL,
  type SignedIn,
  type TestPlatform,
  testPlatform,
} from "./testing/api-client.js";

const exampleCred = fileURLToPath(new URL("apps/example-cred", `file://${repoRoot}`));

describe(`the credentials API for hosted servers [${testDriver}]`, () => {
  let platform: TestPlatform;
  let serverId: string;
  let userId: string;
  let secret: string;
  let owner: SignedIn;
  const otherId = newId("server");

  beforeAll(async () => {
    platform = await testPlatform();
    owner = await platform.signUp("owner@example.com");
    userId = owner.userId;
    serverId = (await registerServer(platform.services, exampleCred, owner.userId as Id<"user">))
      .id;
    secret = runtimeSecretFor(platform.services.vault, serverId);
  });
  afterAll(async () => platform?.close());

  const ask = (options: { server?: string; secret?: string; context?: string; kind?: string }) =>
    platform.app.request(`${PUBLIC_URL}/internal/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.secret === undefined ? {} : { authorization: `Bearer ${options.secret}` }),
        "x-gumstack-server": options.server ?? serverId,
      },
      body: JSON.stringify({ kind: options.kind ?? "cred", context: options.context ?? "" }),
    });
  const context = (id = serverId, at = Date.now(), key = secret) =>
    mintContext(key, { userId, serverId: id, requestId: "r" }, at);

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
    const response = await ask({ secret, context: context(serverId, Date.now() - 61_000) });
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
});
