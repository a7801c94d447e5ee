import { fileURLToPath } from "node:url";
import { connections, oauthStates, servers } from "@gumstack/db";
import { findPlaintext, repoRoot, testDriver } from "@gumstack/db/testing";
import { startTestAuthServer, type TestAuthServer } from "@gumstack/oauth/testing";
import { issueTicket } from "@gumstack/runtime";
import { connectClient, cookiesOf, freePort, textOf } from "@gumstack/sdk/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  ElicitationCompleteNotificationSchema,
  UrlElicitationRequiredError,
} from "@modelcontextprotocol/sdk/types.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "./testing/api-client.js";

const exampleOauth = fileURLToPath(new URL("apps/example-oauth", `file://${repoRoot}`));

/**
 * The platform's one broker with a hosted oauth server: the provider (its code and client
 * secret) lives in the server's process, the state, tokens and refresh on the platform, and the
 * browser comes back to the platform's single /auth/callback. The provider is oidc-provider.
 */
describe(`hosted oauth through the platform's /auth/callback [${testDriver}]`, () => {
  let platform: TestPlatform;
  let as: TestAuthServer;
  let url: string;
  let admin: SignedIn;
  let ada: SignedIn;
  let client: Client;
  const cleanups: Array<() => Promise<void>> = [];

  const api = (as: SignedIn, method: string, path: string, body?: unknown) =>
    callOver(url, as, method, path, body);
  const whoami = () => client.callTool({ name: "whoami", arguments: {} });
  const connectLink = (result: unknown) => {
    const link = /(http:\/\/\S+\/auth\/start\/example-oauth\?ticket=\S+)/.exec(textOf(result))?.[1];
    if (!link) throw new Error(`no connect link in: ${textOf(result)}`);
    return link;
  };
  /** Our /auth/start, the provider's login and consent, our /auth/callback: as a browser. */
  async function connect(start: Response, account: string, who: SignedIn): Promise<Response> {
    expect(start.status).toBe(302);
    const back = await as.authorize(start.headers.get("location") as string, { account });
    expect(`${back.origin}${back.pathname}`).toBe(`${url}/auth/callback`);
    return fetch(back, {
      headers: { cookie: `${cookiesOf(start)}; ${who.cookie}` },
      redirect: "manual",
    });
  }
  /** A link opened in the browser of `who`, signed in. */
  const open = (link: string, who: SignedIn) =>
    fetch(link, { headers: { cookie: who.cookie }, redirect: "manual" });

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    as = await startTestAuthServer({ redirectUris: [`${url}/auth/callback`] });
    cleanups.push(() => as.close());
    platform = await testPlatform({ publicUrl: url });
    cleanups.push(
      () => platform.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    admin = await platform.signUpAdmin("admin@example.com");
    ada = await platform.signUp("ada@example.com");
    // Its first start fails: the provider's settings are variables the operator sets.
    const registered = await api(admin, "POST", "/api/servers", { path: exampleOauth });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ problem: expect.stringContaining("OIDC") });
    for (const [name, value] of Object.entries({
      OIDC_ISSUER: as.issuer,
      OIDC_CLIENT_ID: as.clientId,
      OIDC_CLIENT_SECRET: as.clientSecret,
    })) {
      expect(
        (await api(admin, "PUT", `/api/servers/example-oauth/env/${name}`, { value })).status,
      ).toBe(201);
    }
    expect((await api(admin, "POST", "/api/servers/example-oauth/deploy")).status).toBe(200);
    const { key } = (await (await api(ada, "POST", "/api/keys", { name: "claude" })).json()) as {
      key: string;
    };
    client = await connectClient(url, key, "/mcp/example-oauth");
    cleanups.push(() => client.close());
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("connects from the tool's link through the platform's callback, then serves the token to the tool", async () => {
    const first = await whoami();
    expect(first.isError).toBe(true);
    const done = await connect(await open(connectLink(first), ada), "ada", ada);
    expect(done.status).toBe(200);
    const page = await done.text();
    expect(page).toContain("account ada is connected");
    expect(page).toContain("For the account <strong>ada@example.com</strong>");
    expect(as.counts()).toMatchObject({ authorizationCode: 1, refreshToken: 0 });
    expect(textOf(await whoami())).toMatch(/^Connected as ada;/);

    const listed = await api(ada, "GET", "/api/servers/example-oauth/connections");
    expect(await listed.json()).toMatchObject({
      connections: [{ provider: "oidc", nickname: "ada", status: "active", refreshedAt: null }],
      connectUrl: "/auth/start/example-oauth",
    });
    // Another user sees none of ada's.
    const bob = await platform.signUp("bob@example.com");
    expect(
      await (await api(bob, "GET", "/api/servers/example-oauth/connections")).json(),
    ).toMatchObject({
      connections: [],
    });
  });

  it("refreshes an expired token with the provider in the server's process, once", async () => {
    await platform.database.db
      .update(connections)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(connections.nickname, "ada"));
    const calls = await Promise.all([whoami(), whoami(), whoami()]);
    for (const call of calls) expect(textOf(call)).toMatch(/^Connected as ada;/);
    expect(as.counts().refreshToken).toBe(1);
    const [row] = await platform.database.db.select().from(connections);
    expect(row?.refreshedAt).not.toBeNull();
  });

  it("starts a connection from a signed-in browser and returns it to the dashboard", async () => {
    const signedOut = await fetch(`${url}/auth/start/example-oauth`, { redirect: "manual" });
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toBe(
      `/sign-in?next=${encodeURIComponent("/auth/start/example-oauth")}`,
    );
    const start = await api(
      ada,
      "GET",
      "/auth/start/example-oauth?return_to=/servers/example-oauth",
    );
    const back = await connect(start, "ada-work", ada);
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/servers/example-oauth");
    const { connections: mine } = (await (
      await api(ada, "GET", "/api/servers/example-oauth/connections")
    ).json()) as { connections: Array<{ nickname: string }> };
    expect(mine.map((c) => c.nickname).sort()).toEqual(["ada", "ada-work"]);
    // Somewhere else is not followed, nor what a browser would read as somewhere else (a tab it
    // drops, a backslash it turns around), nor a newline; and none of them stores a state.
    const states = async () => (await platform.database.db.select().from(oauthStates)).length;
    const before = await states();
    for (const returnTo of [
      "https://evil.example/",
      "/%09/evil.example",
      "/%0A/x",
      "/%0D%0Aset-cookie:%20a=1",
      "/%5Cevil.example",
      "//evil.example",
    ]) {
      const away = await api(ada, "GET", `/auth/start/example-oauth?return_to=${returnTo}`);
      expect(away.status, returnTo).toBe(400);
      expect(await away.text()).toContain("return_to must be a path of this site");
    }
    expect(await states()).toBe(before);
  });

  it("files a connection under the user the link was made for only, in that user's own browser", async () => {
    const before = (await platform.database.db.select().from(connections)).length;
    // A tool's link for Ada, as the credentials API makes one.
    const [server] = await platform.database.db
      .select()
      .from(servers)
      .where(eq(servers.name, "example-oauth"));
    const ticket = issueTicket(
      platform.services.vault,
      { userId: ada.userId, serverId: server?.id ?? "", purpose: "connect" },
      Date.now(),
    );
    const link = `${url}/auth/start/example-oauth?ticket=${ticket}`;
    // Ada forwards her link to Bob, signed in as Bob: refused, naming both accounts.
    const bob = await platform.signUp("bob2@example.com");
    const forwarded = await open(link, bob);
    expect(forwarded.status).toBe(403);
    const refusal = await forwarded.text();
    expect(refusal).toContain("<strong>a•••@example.com</strong>");
    expect(refusal).toContain("you are signed in as <strong>bob2@example.com</strong>");
    expect(forwarded.headers.get("location")).toBeNull();
    expect(forwarded.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    // Opened signed out: asked to sign in as Ada, and brought back to the link.
    const signedOut = await fetch(link, { redirect: "manual" });
    expect(signedOut.status).toBe(401);
    const ask = await signedOut.text();
    expect(ask).toContain("for the account <strong>a•••@example.com</strong>");
    const next = new URL(link).pathname + new URL(link).search;
    expect(ask).toContain(`/sign-in?next=${encodeURIComponent(next)}`.replaceAll("&", "&amp;"));
    // Begun by Ada, finished in a browser signed in as Bob: refused at the callback.
    const start = await open(link, ada);
    const back = await as.authorize(start.headers.get("location") as string, {
      account: "bob-idp",
    });
    const finished = await fetch(back, {
      headers: { cookie: `${cookiesOf(start)}; ${bob.cookie}` },
      redirect: "manual",
    });
    expect(finished.status).toBe(400);
    expect(await finished.text()).toContain("started for another account");
    expect((await platform.database.db.select().from(connections)).length).toBe(before);
  });

  it("sends a URL-mode client the link as a URL elicitation, and tells its session once connected", async () => {
    const dora = await platform.signUp("dora@example.com");
    const { key } = (await (await api(dora, "POST", "/api/keys", { name: "url" })).json()) as {
      key: string;
    };
    const completed: string[] = [];
    let onCompleted: (id: string) => void = () => {};
    const urlClient = new Client(
      { name: "url-client", version: "1.0.0" },
      { capabilities: { elicitation: { url: {} } } },
    );
    urlClient.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => {
      completed.push(n.params.elicitationId);
      onCompleted(n.params.elicitationId);
    });
    await urlClient.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp/example-oauth`), {
        requestInit: { headers: { Authorization: `Bearer ${key}` } },
      }),
    );
    cleanups.push(() => urlClient.close());
    const error = await urlClient.callTool({ name: "whoami", arguments: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UrlElicitationRequiredError);
    const [elicitation] = (error as UrlElicitationRequiredError).elicitations;
    if (elicitation?.mode !== "url") throw new Error("expected a url-mode elicitation");
    expect(elicitation.url).toMatch(/\/auth\/start\/example-oauth\?ticket=/);
    // Through the gateway, to the process, back to this client's session.
    const told = new Promise<string>((resolve) => {
      onCompleted = resolve;
    });
    const done = await connect(await open(elicitation.url, dora), "dora", dora);
    expect(done.status).toBe(200);
    expect(await told).toBe(elicitation.elicitationId);
    expect(completed).toEqual([elicitation.elicitationId]);
    expect(textOf(await urlClient.callTool({ name: "whoami", arguments: {} }))).toMatch(
      /^Connected as dora;/,
    );
    // The owner's activity view counts the elicitation as auth_required, not as an error.
    const doras = async () => {
      const view = (await (
        await api(admin, "GET", "/api/servers/example-oauth/activity?hours=1")
      ).json()) as { recent: Array<{ outcome: string; userEmail: string | null }> };
      return view.recent.filter((r) => r.userEmail === "dora@example.com").map((r) => r.outcome);
    };
    await expect.poll(doras, { timeout: 15_000 }).toEqual(["ok", "auth_required"]);
  });

  it("refuses connect starts past the per-user limit with a page saying when to come back", async () => {
    const limit = platform.services.limits.connectPerUser.hits;
    const carol = await platform.signUp("carol@example.com");
    const statuses: number[] = [];
    for (let i = 0; i < limit; i++)
      statuses.push((await api(carol, "GET", "/auth/start/example-oauth")).status);
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(302));
    const last = await api(carol, "GET", "/auth/start/example-oauth");
    expect(last.status).toBe(429);
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("disconnects: revoked at the provider, deleted here, and the tool asks to connect again", async () => {
    const { connections: mine } = (await (
      await api(ada, "GET", "/api/servers/example-oauth/connections")
    ).json()) as { connections: Array<{ id: string; nickname: string }> };
    for (const connection of mine) {
      const gone = await api(
        ada,
        "DELETE",
        `/api/servers/example-oauth/connections/${connection.id}`,
      );
      expect(gone.status).toBe(200);
      expect(await gone.json()).toEqual({
        provider: "oidc",
        nickname: connection.nickname,
        revocation: "revoked",
      });
    }
    const again = await api(ada, "DELETE", `/api/servers/example-oauth/connections/${mine[0]?.id}`);
    expect(again.status).toBe(404);
    const after = await whoami();
    expect(after.isError).toBe(true);
    expect(connectLink(after)).toContain("/auth/start/example-oauth?ticket=");
  });

  it("stores no token or client secret in plaintext, and logs none", async () => {
    const secrets = [as.clientSecret];
    expect(await findPlaintext(platform.database.db, secrets)).toEqual([]);
    expect(platform.lines.join("\n")).not.toContain(as.clientSecret);
  });
});
