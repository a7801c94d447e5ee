import { connections } from "@gumstack/db";
import { findPlaintext, testDriver } from "@gumstack/db/testing";
import { OAuth2Provider } from "@gumstack/oauth";
import { startTestAuthServer, type TestAuthServer } from "@gumstack/oauth/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getCredentials } from "../get-credentials.js";
import {
  capturingLogger,
  connectClient,
  freePort,
  hostEnvironment,
  openConnectLink,
  textOf,
} from "../testing/host-harness.js";
import { GumstackHost } from "./gumstack-host.js";

const HOUR = 3_600_000;

describe(`oauth end to end against oidc-provider [${testDriver}]`, () => {
  let as: TestAuthServer;
  let host: GumstackHost;
  let url: string;
  let client: Client;
  let lines: string[];
  let offset = 0;
  const tokensSeen: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const port = await freePort();
    as = await startTestAuthServer({ redirectUris: [`http://127.0.0.1:${port}/auth/callback`] });
    cleanups.push(() => as.close());
    const provider = await OAuth2Provider.discover(as.issuer, {
      clientId: as.clientId,
      clientSecret: as.clientSecret,
      defaultScopes: ["openid", "offline_access", "profile"],
      extraAuthorizationParams: { prompt: "consent" },
    });
    // As a catalogue provider does (Atlassian's cloud id): a fact for tools, kept with the grant.
    const exchange = provider.exchange.bind(provider);
    provider.exchange = async (...args) => ({
      ...(await exchange(...args)),
      extras: { site: "acme.example" },
    });
    const mcp = new McpServer({ name: "oidc-demo", version: "1.0.0" });
    mcp.registerTool("site", { description: "the provider's extras reach tools" }, async () => {
      const { extras } = await getCredentials();
      return { content: [{ type: "text", text: `site ${extras.site}` }] };
    });
    mcp.registerTool(
      "whoami",
      { description: "asks the provider who the token belongs to" },
      async () => {
        const { access_token, nickname } = await getCredentials();
        tokensSeen.push(access_token);
        const response = await fetch(`${as.issuer}/me`, {
          headers: { authorization: `Bearer ${access_token}` },
        });
        const me = (await response.json()) as { preferred_username?: string };
        return {
          content: [{ type: "text", text: `${nickname}: provider says ${me.preferred_username}` }],
        };
      },
    );
    mcp.registerTool(
      "leak",
      { description: "returns the token, which must not reach the model" },
      async () => {
        const { access_token } = await getCredentials();
        throw new Error(`failed with token ${access_token}`);
      },
    );
    const { env, drop } = await hostEnvironment({ GUMSTACK_PORT: String(port) });
    cleanups.push(drop);
    const captured = capturingLogger();
    lines = captured.lines;
    host = new GumstackHost(
      mcp,
      { name: "oidc-demo", auth: { type: "oauth" } },
      {
        env,
        log: captured.log,
        now: () => Date.now() + offset,
      },
    );
    host.registerAuth(provider);
    const running = await host.run([]);
    url = running.url;
    cleanups.push(running.close);
    const { apiKey } = await host.addUser("ada");
    client = await connectClient(url, apiKey);
    cleanups.push(() => client.close());
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function connectUrlFrom(result: unknown): Promise<string> {
    const link = /(http:\/\/\S+\/auth\/start\?ticket=\S+)/.exec(textOf(result))?.[1];
    if (!link) throw new Error(`no connect link in: ${textOf(result)}`);
    return link;
  }

  /** Follows the connect link as a browser: our /auth/start, the provider's login, our callback. */
  async function connect(link: string, account: string): Promise<Response> {
    const { start, cookies } = await openConnectLink(link);
    expect(start.status).toBe(302);
    const back = await as.authorize(start.headers.get("location") as string, { account });
    return fetch(back, { headers: { cookie: cookies }, redirect: "manual" });
  }

  it("connects through the real flow, refreshes after expiry, and asks again once revoked", async () => {
    const first = await client.callTool({ name: "whoami", arguments: {} });
    expect(first.isError).toBe(true);
    expect(textOf(first)).toMatch(
      /^Connect your oidc account first, then try again: http:\/\/127\.0\.0\.1:\d+\/auth\/start\?ticket=/,
    );

    const done = await connect(await connectUrlFrom(first), "ada");
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Your oidc account ada is connected");
    expect(as.counts()).toMatchObject({ authorizationCode: 1, refreshToken: 0 });

    expect(textOf(await client.callTool({ name: "whoami", arguments: {} }))).toBe(
      "ada: provider says ada",
    );
    expect(as.counts().refreshToken).toBe(0);
    expect(textOf(await client.callTool({ name: "site", arguments: {} }))).toBe(
      "site acme.example",
    );

    offset += 2 * HOUR;
    expect(textOf(await client.callTool({ name: "whoami", arguments: {} }))).toBe(
      "ada: provider says ada",
    );
    expect(as.counts().refreshToken).toBe(1);
    expect(tokensSeen.at(-1)).not.toBe(tokensSeen.at(-2));

    await as.revokeGrants("ada");
    offset += 2 * HOUR;
    const revoked = await client.callTool({ name: "whoami", arguments: {} });
    expect(revoked.isError).toBe(true);
    expect(textOf(revoked)).toMatch(
      /^Your oidc connection has expired or was revoked\. Reconnect here/,
    );
    expect(as.counts().refreshToken).toBe(2);

    // Reconnecting the same account renews its connection rather than adding a twin.
    const before = await host.standaloneServices();
    const [dead] = await before.store.database.db.select().from(connections);
    expect(dead).toMatchObject({ nickname: "ada", status: "needs_reauth" });
    const again = await connect(await connectUrlFrom(revoked), "ada");
    expect(again.status).toBe(200);
    expect(textOf(await client.callTool({ name: "whoami", arguments: {} }))).toBe(
      "ada: provider says ada",
    );
    const rows = await before.store.database.db.select().from(connections);
    expect(rows.map((r) => [r.id, r.nickname, r.status, r.lastError])).toEqual([
      [dead?.id, "ada", "active", null],
    ]);
  });

  it("keeps several accounts of one provider apart, and sends the browser to an allowed return path", async () => {
    const { apiKey, userId } = await host.addUser("multi");
    const mine = await connectClient(url, apiKey);
    try {
      const link = await connectUrlFrom(await mine.callTool({ name: "whoami", arguments: {} }));
      const first = await connect(
        `${link}&return_to=${encodeURIComponent("/connected?ok=1")}`,
        "work-account",
      );
      expect(first.status).toBe(302);
      expect(first.headers.get("location")).toBe("/connected?ok=1");
      expect((await connect(link, "home-account")).status).toBe(200);
      const services = await host.standaloneServices();
      const rows = await services.store.database.db.select().from(connections);
      const own = rows.filter((r) => r.userId === userId);
      expect(own.map((r) => [r.nickname, r.status]).sort()).toEqual([
        ["home-account", "active"],
        ["work-account", "active"],
      ]);
      // The newest connection serves the user's calls.
      expect(textOf(await mine.callTool({ name: "whoami", arguments: {} }))).toBe(
        "home-account: provider says home-account",
      );
    } finally {
      await mine.close();
    }
  });

  it("stores no token, verifier or key in plaintext anywhere in the database", async () => {
    const services = await host.standaloneServices();
    expect(tokensSeen.length).toBeGreaterThan(1);
    expect(
      await findPlaintext(services.store.database.db, [...tokensSeen, as.clientSecret]),
    ).toEqual([]);
  });

  it("never lets a token reach a tool result or a log line", async () => {
    const leaked = await client.callTool({ name: "leak", arguments: {} });
    expect(leaked.isError).toBe(true);
    expect(textOf(leaked)).toBe("failed with token [redacted]");
    const log = lines.join("\n");
    expect(tokensSeen.length).toBeGreaterThan(1);
    for (const token of tokensSeen) expect(log).not.toContain(token);
  });

  it("shows whose account a link connects before anything starts; a crafted link cannot skip that page", async () => {
    const { apiKey } = await host.addUser("mallory");
    const mallory = await connectClient(url, apiKey);
    try {
      const link = await connectUrlFrom(await mallory.callTool({ name: "whoami", arguments: {} }));
      const services = await host.standaloneServices();
      const states = async () =>
        (await services.store.database.db.execute(
          "select count(*)::int as n from oauth_states",
        )) as unknown;
      const before = JSON.stringify(await states());
      // Opened by someone else (Mallory forwarded it): the page says it is Mallory's.
      const page = await (await fetch(link)).text();
      expect(page).toContain("<strong>mallory</strong>");
      expect(page).toContain("If that is not you, close this page");
      // A link with a made-up confirmation, or one meant for another browser, shows the page again.
      const forged = await fetch(`${link}&confirm=k1.forged`, { redirect: "manual" });
      expect(forged.status).toBe(200);
      expect(await forged.text()).toContain("Continue as mallory");
      const shown = await fetch(link, { redirect: "manual" });
      const href = /<a class="button" href="([^"]+)"/.exec(await shown.text())?.[1] ?? "";
      const elsewhere = await fetch(new URL(href.replaceAll("&amp;", "&"), url), {
        redirect: "manual",
      });
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.headers.get("location")).toBeNull();
      // The pages cannot be framed or cached.
      expect(shown.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(shown.headers.get("cache-control")).toBe("no-store");
      expect(JSON.stringify(await states())).toBe(before);
    } finally {
      await mallory.close();
    }
  });

  describe("a callback that is refused stores nothing", () => {
    let link: string;
    let stored: number;

    beforeEach(async () => {
      const { apiKey } = await host.addUser(`user-${Math.random()}`);
      const other = await connectClient(url, apiKey);
      link = await connectUrlFrom(await other.callTool({ name: "whoami", arguments: {} }));
      await other.close();
      stored = await countConnections();
    });

    async function countConnections(): Promise<number> {
      const services = await host.standaloneServices();
      return (await services.store.database.db.select().from(connections)).length;
    }

    async function begin(): Promise<{ cookie: string; state: string; authorizeUrl: string }> {
      const { start, cookies } = await openConnectLink(link);
      const authorizeUrl = start.headers.get("location") as string;
      return {
        cookie: cookies,
        state: new URL(authorizeUrl).searchParams.get("state") as string,
        authorizeUrl,
      };
    }

    async function refused(response: Response, message: RegExp) {
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(message);
      expect(await countConnections()).toBe(stored);
    }

    const callback = (query: Record<string, string>, cookie = "") =>
      fetch(`${url}/auth/callback?${new URLSearchParams(query)}`, { headers: { cookie } });

    it("without a state", async () => {
      await refused(await callback({ code: "x" }), /sent no state/);
    });

    it("with a state we never issued", async () => {
      const { cookie } = await begin();
      await refused(await callback({ code: "x", state: "forged" }, cookie), /not one we started/);
    });

    it("from another browser (no cookie, or another flow's cookie)", async () => {
      const { authorizeUrl } = await begin();
      const back = await as.authorize(authorizeUrl, { account: "mallory" });
      await refused(await fetch(back), /started in another browser/);
      const other = await begin();
      await refused(
        await fetch(back, { headers: { cookie: other.cookie } }),
        /started in another browser/,
      );
    });

    it("replayed after it succeeded once", async () => {
      const { cookie, authorizeUrl } = await begin();
      const back = await as.authorize(authorizeUrl, { account: "grace" });
      expect((await fetch(back, { headers: { cookie } })).status).toBe(200);
      stored = await countConnections();
      await refused(await fetch(back, { headers: { cookie } }), /already completed/);
    });

    it("after the state expired", async () => {
      const { cookie, authorizeUrl } = await begin();
      const back = await as.authorize(authorizeUrl, { account: "grace" });
      offset += 11 * 60_000;
      await refused(await fetch(back, { headers: { cookie } }), /took too long and expired/);
    });

    it("when the user denies access at the provider", async () => {
      const { cookie, state } = await begin();
      await refused(
        await callback(
          { state, error: "access_denied", error_description: "The user said no" },
          cookie,
        ),
        /oidc did not grant access: access_denied \(The user said no\)/,
      );
    });

    it("when the provider refuses the code", async () => {
      const { cookie, state } = await begin();
      await refused(
        await callback({ state, code: "not-a-real-code" }, cookie),
        /Connecting to oidc failed \(invalid_grant\)/,
      );
    });

    it("and /auth/start refuses a return URL off the allow-list, or a bad ticket", async () => {
      const off = await fetch(
        `${link}&return_to=${encodeURIComponent("https://evil.example/steal")}`,
        { redirect: "manual" },
      );
      expect(off.status).toBe(400);
      expect(await off.text()).toContain(
        "return_to must be a path of this site or a URL on its allow-list",
      );
      const bad = await fetch(`${url}/auth/start?ticket=nope`, { redirect: "manual" });
      expect(bad.status).toBe(400);
    });
  });
});
