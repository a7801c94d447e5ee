import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connections, upstreamClients } from "@gumstack/db";
import { findPlaintext, testDriver } from "@gumstack/db/testing";
import { startTestAuthServer, type TestAuthServer } from "@gumstack/oauth/testing";
import {
  connectClient,
  cookiesOf,
  freePort,
  type OAuthGuardedServer,
  startOAuthGuardedServer,
  textOf,
} from "@gumstack/sdk/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callOver,
  type KeyedUser,
  type SignedIn,
  signUpWithKey,
  type TestPlatform,
  testPlatform,
} from "../testing/api-client.js";

type Caller = KeyedUser;

/**
 * A remote MCP server protected by MCP authorization (an SDK server that wants a JWT for itself
 * from oidc-provider, with dynamic registration and resource indicators on), registered with
 * `auth: { type: oauth, provider: mcp }` and connected per user through the platform: discovery,
 * registration once, PKCE, `resource`, the token stored and refreshed by the broker, and each
 * user's own token on their bridge's requests.
 */
describe(`a remote server's own MCP authorization, per user [${testDriver}]`, () => {
  let folder: string;
  let as: TestAuthServer;
  let guarded: OAuthGuardedServer;
  let platform: TestPlatform;
  let url: string;
  let admin: SignedIn;
  let ada: Caller;
  let bob: Caller;
  const cleanups: Array<() => Promise<void>> = [];

  const api = (who: SignedIn, method: string, path: string, body?: unknown) =>
    callOver(url, who, method, path, body);

  /** The link of the -32042 refusal a caller with no connection gets. */
  async function connectLink(who: Caller): Promise<string> {
    const response = await fetch(`${url}/mcp/vendor`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${who.key}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    });
    const answer = (await response.json()) as {
      error: { code: number; data: { elicitations: Array<{ url: string }> } };
    };
    expect(answer.error.code).toBe(-32042);
    const link = answer.error.data.elicitations[0]?.url;
    expect(link).toContain("/auth/start/vendor?ticket=");
    return link as string;
  }

  /** The JSON-RPC error code a tools/list gets now (undefined: answered). */
  async function firstCallCode(who: Caller): Promise<number | undefined> {
    const response = await fetch(`${url}/mcp/vendor`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${who.key}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} }),
    });
    const text = await response.text();
    const json = text.startsWith("{") ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? "{}");
    return (JSON.parse(json) as { error?: { code: number } }).error?.code;
  }

  async function connectAccount(who: Caller, account: string) {
    const start = await fetch(await connectLink(who), {
      headers: { cookie: who.as.cookie },
      redirect: "manual",
    });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get("location") as string);
    expect(location.origin).toBe(as.issuer);
    const back = await as.authorize(location.href, { account });
    const done = await fetch(back, {
      headers: { cookie: `${cookiesOf(start)}; ${who.as.cookie}` },
      redirect: "manual",
    });
    const page = await done.text();
    if (done.status !== 200)
      throw new Error(
        `callback ${done.status}: ${page
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .slice(-500)}`,
      );
  }

  async function whoami(who: Caller): Promise<string> {
    const client = await connectClient(url, who.key, "/mcp/vendor");
    try {
      return textOf(await client.callTool({ name: "whoami", arguments: {} }));
    } finally {
      await client.close();
    }
  }

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "gumstack-remote-oauth-"));
    url = `http://127.0.0.1:${await freePort()}`;
    as = await startTestAuthServer({
      redirectUris: [`${url}/auth/callback`],
      registration: true,
      resourceIndicators: true,
      accessTokenTtl: 600,
      scopes: ["mcp:tools"],
    });
    cleanups.push(() => as.close());
    // The scopes a client asks for come from the server's 401 (MCP authorization).
    guarded = await startOAuthGuardedServer({
      issuer: as.issuer,
      challengeScopes: ["openid", "profile", "mcp:tools"],
    });
    cleanups.push(() => guarded.stop());
    platform = await testPlatform({
      publicUrl: url,
      cacheTtlMs: 0,
      proxied: { allowPrivateUrls: true, recheckMs: 0 },
    });
    cleanups.push(
      () => platform.close(),
      async () => platform.services.proxied.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    admin = await platform.signUpAdmin("admin@example.com");
    const file = join(folder, "vendor.yaml");
    writeFileSync(
      file,
      `name: vendor
kind: remote
url: ${guarded.url}
auth: { type: oauth, provider: mcp }
startSeconds: 10
`,
    );
    const registered = await api(admin, "POST", "/api/servers", { path: file });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ kind: "remote", status: "per_user" });
    ada = await signUpWithKey(platform, url, "ada@example.com");
    bob = await signUpWithKey(platform, url, "bob@example.com");
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(folder, { recursive: true, force: true });
  });

  it("connects each user through the server's own authorization server, registering once", async () => {
    await connectAccount(ada, "ada");
    expect(await whoami(ada)).toBe("ada");
    await connectAccount(bob, "bob");
    expect(await whoami(bob)).toBe("bob");
    expect(await whoami(ada)).toBe("ada");
    expect(as.registrations()).toBe(1);
    // Every authorization and token request named the server as its resource (RFC 8707).
    const requests = as.resourceRequests();
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const request of requests) expect(request.resource).toBe(guarded.url);
  });

  it("refuses a code whose response names another issuer (RFC 9207 mix-up), storing nothing", async () => {
    const carol = await signUpWithKey(platform, url, "carol@example.com");
    const start = await fetch(await connectLink(carol), {
      headers: { cookie: carol.as.cookie },
      redirect: "manual",
    });
    const back = await as.authorize(start.headers.get("location") as string, { account: "carol" });
    expect(back.searchParams.get("iss")).toBe(as.issuer);
    back.searchParams.set("iss", "https://evil.example");
    const done = await fetch(back, {
      headers: { cookie: `${cookiesOf(start)}; ${carol.as.cookie}` },
      redirect: "manual",
    });
    expect(done.status).not.toBe(200);
    const rows = await platform.services.database.db
      .select()
      .from(connections)
      .where(eq(connections.userId, carol.as.userId as never));
    expect(rows).toEqual([]);
  });

  it("keeps the registered client's secret and the users' tokens encrypted", async () => {
    const [client] = await platform.services.database.db.select().from(upstreamClients);
    expect(client).toMatchObject({ issuer: as.issuer, redirectUri: `${url}/auth/callback` });
    const rows = await platform.services.database.db.select().from(connections);
    expect(rows.map((r) => r.provider)).toEqual(["mcp", "mcp"]);
    const { vault } = platform.services;
    const plain = rows.map((row) =>
      vault.decrypt(row.accessToken, { table: "connections", id: row.id, field: "access_token" }),
    );
    if (client?.clientSecret) {
      plain.push(
        vault.decrypt(client.clientSecret, {
          table: "upstream_clients",
          id: client.id,
          field: "client_secret",
        }),
      );
    }
    expect(plain.length).toBe(3);
    expect(await findPlaintext(platform.services.database.db, plain)).toEqual([]);
  });

  it("refreshes an expired token with the server's authorization server, and the new one is used", async () => {
    const before = as.counts().refreshToken;
    await platform.services.database.db
      .update(connections)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(connections.userId, ada.as.userId as never));
    expect(await whoami(ada)).toBe("ada");
    expect(as.counts().refreshToken).toBe(before + 1);
    const last = as.resourceRequests().at(-1);
    expect(last).toMatchObject({ resource: guarded.url });
  });

  it("refreshes a token the remote server refuses, then asks the user to connect again", async () => {
    guarded.refuse("ada");
    const stopped = await api(admin, "DELETE", `/api/servers/vendor/processes/${ada.as.userId}`);
    expect(stopped.status).toBe(204);
    const refreshes = as.counts().refreshToken;
    // The new process's first handshake is refused: a refresh, refused again, then the link.
    await connectLink(ada);
    expect(as.counts().refreshToken).toBe(refreshes + 1);
    const [row] = await platform.services.database.db
      .select()
      .from(connections)
      .where(eq(connections.userId, ada.as.userId as never));
    expect(row).toMatchObject({ status: "needs_reauth" });
    // Bob's connection is his own, untouched.
    expect(await whoami(bob)).toBe("bob");
    guarded.allow("ada");
    await connectAccount(ada, "ada");
    expect(await whoami(ada)).toBe("ada");
  });

  it("ends a running process whose token the remote server starts refusing; the next call asks again", async () => {
    expect(await whoami(bob)).toBe("bob");
    guarded.refuse("bob");
    const client = await connectClient(url, bob.key, "/mcp/vendor");
    const failed = await client.callTool({ name: "whoami", arguments: {} }).then(
      (result) => (result.isError ? result : undefined),
      (error: unknown) => error,
    );
    await client.close();
    expect(failed).toBeDefined();
    // Bob's bridge ends; the next call starts another, refused too: a refresh, then the link.
    const refreshes = as.counts().refreshToken;
    let code: number | undefined;
    for (let i = 0; i < 100 && code !== -32042; i++) {
      code = await firstCallCode(bob);
      if (code !== -32042) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(code).toBe(-32042);
    expect(as.counts().refreshToken).toBe(refreshes + 1);
    guarded.allow("bob");
  });

  it("sent the remote server no token it refused: only the discovery probe went without one", async () => {
    expect(
      guarded.refusals.filter((reason) => reason !== "no token" && reason !== "account refused"),
    ).toEqual([]);
  });
});
