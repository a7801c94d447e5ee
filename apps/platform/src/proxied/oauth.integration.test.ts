import { fileURLToPath } from "node:url";
import { connections } from "@gumstack/db";
import { testDriver } from "@gumstack/db/testing";
import { startTestAuthServer, type TestAuthServer } from "@gumstack/oauth/testing";
import { connectClient, cookiesOf, freePort, textOf } from "@gumstack/sdk/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callOver,
  type KeyedUser,
  type SignedIn,
  signUpWithKey,
  type TestPlatform,
  testPlatform,
} from "../testing/api-client.js";

const fixture = (name: string) => fileURLToPath(new URL(`testing/${name}.yaml`, import.meta.url));

type Caller = KeyedUser;

interface Refusal {
  error: { code: number; message: string; data: { elicitations: Array<{ url: string }> } };
}

/**
 * `auth: oauth` proxied servers: server-everything from the registry, given each caller's access
 * token in its environment (`${oauth.access_token}`), its provider (oidc-provider, through the
 * catalog's `oidc`) built and called by the platform. Two servers on the same provider app share
 * a user's connection; a third asks for its own.
 */
describe(`proxied servers with auth oauth [${testDriver}]`, () => {
  let platform: TestPlatform;
  let as: TestAuthServer;
  let url: string;
  let admin: SignedIn;
  let ada: Caller;
  let bob: Caller;
  const cleanups: Array<() => Promise<void>> = [];

  const api = (who: SignedIn, method: string, path: string, body?: unknown) =>
    callOver(url, who, method, path, body);

  /** tools/call over plain HTTP: the refusal a caller without a connection gets. */
  async function refusal(who: Caller, server: string): Promise<Refusal> {
    const response = await fetch(`${url}/mcp/${server}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${who.key}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "get-env", arguments: {} },
      }),
    });
    return (await response.json()) as Refusal;
  }

  /** What the caller's process of `server` was started with. */
  async function envOf(who: Caller, server: string): Promise<Record<string, string>> {
    const client = await connectClient(url, who.key, `/mcp/${server}`);
    try {
      return JSON.parse(textOf(await client.callTool({ name: "get-env", arguments: {} })));
    } finally {
      await client.close();
    }
  }

  /** The link of the refusal, opened in the caller's browser: provider login, our callback. */
  async function connectAccount(who: Caller, link: string, account: string) {
    const start = await fetch(link, { headers: { cookie: who.as.cookie }, redirect: "manual" });
    expect(start.status).toBe(302);
    const back = await as.authorize(start.headers.get("location") as string, { account });
    expect(`${back.origin}${back.pathname}`).toBe(`${url}/auth/callback`);
    const done = await fetch(back, {
      headers: { cookie: `${cookiesOf(start)}; ${who.as.cookie}` },
      redirect: "manual",
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`account ${account} is connected`);
  }

  async function pidOf(server: string, who: Caller): Promise<number> {
    const listed = await api(admin, "GET", `/api/servers/${server}/processes`);
    const { processes } = (await listed.json()) as {
      processes: Array<{ userId: string; pid: number }>;
    };
    const row = processes.find((p) => p.userId === who.as.userId);
    if (!row) throw new Error(`no process of ${server} for the user`);
    return row.pid;
  }

  const tokenOf = async (who: Caller, server: string) => {
    const { broker } = platform.services;
    const serverId = (
      await platform.services.database.db.query.servers.findFirst({
        where: (s, { eq }) => eq(s.name, server),
      })
    )?.id;
    if (!serverId) throw new Error(`no server ${server}`);
    const grant = await broker.accessToken({
      userId: who.as.userId as never,
      serverId,
      provider: "oidc",
    });
    return grant.accessToken;
  };

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    as = await startTestAuthServer({ redirectUris: [`${url}/auth/callback`] });
    cleanups.push(() => as.close());
    platform = await testPlatform({ publicUrl: url, cacheTtlMs: 0, proxied: { recheckMs: 0 } });
    cleanups.push(
      () => platform.close(),
      async () => platform.services.proxied.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    admin = await platform.signUpAdmin("admin@example.com");
    for (const name of ["oauth-a", "oauth-b", "oauth-own", "oauth-c"]) {
      const registered = await api(admin, "POST", "/api/servers", { path: fixture(name) });
      expect(registered.status).toBe(201);
      // The provider's settings are the server's variables: until they are set, no deploy.
      expect(await registered.json()).toMatchObject({
        problem: expect.stringContaining("OIDC_CLIENT_ID is not set"),
      });
      for (const [variable, value] of Object.entries({
        OIDC_ISSUER: as.issuer,
        OIDC_CLIENT_ID: as.clientId,
        // oauth-c has the app's public client id, not its secret.
        OIDC_CLIENT_SECRET: name === "oauth-c" ? "not-the-apps-secret" : as.clientSecret,
      })) {
        const put = await api(admin, "PUT", `/api/servers/${name}/env/${variable}`, { value });
        expect(put.status).toBe(201);
      }
      const deployed = await api(admin, "POST", `/api/servers/${name}/deploy`);
      expect(deployed.status).toBe(200);
    }
    ada = await signUpWithKey(platform, url, "ada@example.com");
    bob = await signUpWithKey(platform, url, "bob@example.com");
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("asks a caller with no connection to connect, through URL elicitation, and starts nothing", async () => {
    const refused = await refusal(ada, "oauth-a");
    expect(refused.error.code).toBe(-32042);
    expect(refused.error.message).toContain("connect your oidc account");
    expect(refused.error.data.elicitations[0]?.url).toContain("/auth/start/oauth-a?ticket=");
    const listed = await api(admin, "GET", "/api/servers/oauth-a/processes");
    expect(await listed.json()).toMatchObject({ processes: [] });
  });

  it("starts the caller's process with their own access token, and never the app's secret", async () => {
    const link = (await refusal(ada, "oauth-a")).error.data.elicitations[0]?.url as string;
    await connectAccount(ada, link, "ada");
    const env = await envOf(ada, "oauth-a");
    expect(env.EVERYTHING_TOKEN).toBe(await tokenOf(ada, "oauth-a"));
    const values = Object.values(env).join("\n");
    expect(values).not.toContain(as.clientSecret);
    expect(values).not.toContain(ada.key);
    expect(Object.keys(env).filter((name) => name.startsWith("OIDC_"))).toEqual([]);
    // Bob has connected nothing: ada's connection is hers.
    expect((await refusal(bob, "oauth-a")).error.code).toBe(-32042);
  });

  it("serves ada's connection to another server on the same app, without asking again", async () => {
    const env = await envOf(ada, "oauth-b");
    expect(env.EVERYTHING_TOKEN).toBe(await tokenOf(ada, "oauth-a"));
    const rows = await platform.services.database.db.select().from(connections);
    expect(rows).toHaveLength(1);
  });

  it("shares nothing with a server that has the app's client id but not its secret", async () => {
    const refused = await refusal(ada, "oauth-c");
    expect(refused.error.code).toBe(-32042);
    expect(refused.error.data.elicitations[0]?.url).toContain("/auth/start/oauth-c?ticket=");
  });

  it("asks again where the server wants a connection of its own", async () => {
    const refused = await refusal(ada, "oauth-own");
    expect(refused.error.code).toBe(-32042);
    expect(refused.error.data.elicitations[0]?.url).toContain("/auth/start/oauth-own?ticket=");
  });

  it("replaces the process when the token is refreshed, with the new token", async () => {
    const before = await envOf(ada, "oauth-a");
    const pid = await pidOf("oauth-a", ada);
    await platform.services.database.db
      .update(connections)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(connections.userId, ada.as.userId as never));
    const after = await envOf(ada, "oauth-a");
    expect(as.counts().refreshToken).toBe(1);
    expect(after.EVERYTHING_TOKEN).not.toBe(before.EVERYTHING_TOKEN);
    expect(after.EVERYTHING_TOKEN).toBe(await tokenOf(ada, "oauth-a"));
    expect(await pidOf("oauth-a", ada)).not.toBe(pid);
    // The shared server's process gets the refreshed token too, at its next call.
    expect((await envOf(ada, "oauth-b")).EVERYTHING_TOKEN).toBe(after.EVERYTHING_TOKEN);
  });

  it("after a disconnect, asks again on every server that shared the connection", async () => {
    const [row] = await platform.services.database.db
      .select()
      .from(connections)
      .where(and(eq(connections.userId, ada.as.userId as never)));
    const removed = await api(ada.as, "DELETE", `/api/servers/oauth-a/connections/${row?.id}`);
    expect(removed.status).toBe(200);
    for (const server of ["oauth-a", "oauth-b"])
      expect((await refusal(ada, server)).error.code).toBe(-32042);
  });
});
