import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { connections, type Id, mcpCodes, mcpGrants, newId } from "@gumstack/db";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { ManualClock } from "@gumstack/runtime/testing";
import { freePort } from "@gumstack/sdk/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";
import type { McpClient } from "./contracts.js";
import { listGrants } from "./grants.js";
import { testClients } from "./testing/test-clients.js";

const exampleCred = fileURLToPath(new URL("apps/example-cred", `file://${repoRoot}`));
const exampleOauth = fileURLToPath(new URL("apps/example-oauth", `file://${repoRoot}`));

const VERIFIER = "a-code-verifier-of-the-client-that-is-long-enough-0123456789";
const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");

/** A client that registered itself (RFC 7591), with a loopback redirect. */
const dynamic: McpClient = {
  clientId: "mcl_dynamic",
  kind: "registered",
  name: "Desktop Assistant",
  redirectUris: ["http://127.0.0.1:33418/callback"],
  tokenEndpointAuthMethod: "none",
};
/** A client whose id is its metadata document's URL. */
const documented: McpClient = {
  clientId: "https://assistant.example/oauth/client.json",
  kind: "metadata-document",
  name: "Hosted Assistant",
  redirectUris: ["https://assistant.example/api/mcp/auth_callback"],
  tokenEndpointAuthMethod: "none",
};

/** A client an operator registered for a known app. */
const preregistered: McpClient = {
  clientId: "known-app",
  kind: "preregistered",
  name: "Known App",
  redirectUris: ["cursor://anysphere.cursor-mcp/oauth/callback"],
  tokenEndpointAuthMethod: "none",
};

/**
 * GET and POST /oauth/authorize over HTTP, with a test registry of two clients: every refusal
 * (as a page before the redirect URI is known good, as a redirect after), sign-in, the consent
 * page and its headers, Allow, Deny, CSRF, remembered consent, the connect-in-flow of a cred
 * server, and revoking from Connected apps.
 */
describe(`the authorization endpoint [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let ada: SignedIn;
  let bob: SignedIn;
  let stop: () => Promise<void>;
  let iteration = 0;
  /** Each test its own server, so remembered consent from one test does not reach another. */
  let server: string;
  const clock = new ManualClock();
  let tasksId: Id<"server">;

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({
      publicUrl: url,
      clock,
      clients: testClients([dynamic, documented, preregistered]),
    });
    stop = await platform.listen();
    ada = await platform.signUpAdmin("ada@example.com");
    bob = await platform.signUp("bob@example.com");
    await platform.serverOf(ada, "crm", { authType: "cred", sourcePath: exampleCred });
    tasksId = (await platform.serverOf(ada, "tasks", {
      authType: "oauth",
      sourcePath: exampleOauth,
      provider: {
        name: "oidc",
        pkce: true,
        defaultTokenLifetime: null,
        defaultScopes: null,
        revocable: false,
      },
    })) as Id<"server">;
  });
  afterAll(async () => {
    await stop?.();
    await platform?.close();
  });
  beforeEach(async () => {
    server = `notes-${++iteration}`;
    await platform.serverOf(ada, server);
  });

  const resource = () => `${url}/mcp/${server}`;
  function query(overrides: Record<string, string | string[] | undefined> = {}): string {
    const params: Record<string, string | string[] | undefined> = {
      response_type: "code",
      client_id: dynamic.clientId,
      redirect_uri: "http://127.0.0.1:33418/callback",
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
      state: "client-state-1",
      scope: "mcp",
      resource: resource(),
      ...overrides,
    };
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      for (const one of value === undefined ? [] : [value].flat()) search.append(name, one);
    }
    return `/oauth/authorize?${search}`;
  }
  const authorize = (overrides: Parameters<typeof query>[0] = {}, as?: SignedIn) =>
    fetch(`${url}${query(overrides)}`, {
      redirect: "manual",
      headers: as ? { cookie: as.cookie } : {},
    });
  const post = (form: Record<string, string>, as?: SignedIn, origin = url) =>
    fetch(`${url}/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin,
        ...(as ? { cookie: as.cookie } : {}),
      },
      body: new URLSearchParams(form),
    });
  /** The consent page's hidden fields. */
  async function consentPage(overrides: Parameters<typeof query>[0] = {}, as = ada) {
    const response = await authorize(overrides, as);
    expect(response.status).toBe(200);
    const html = await response.text();
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? "";
    return { response, html, pending: field("pending"), csrf: field("csrf") };
  }
  const locationOf = (response: Response) => new URL(response.headers.get("location") ?? "");
  /** The user's grant on this test's server, and the codes issued under it. */
  async function grantHere(userId: string) {
    const grants = await listGrants(platform.database.db, userId as Id<"user">);
    const grant = grants.find((g) => g.serverName === server);
    const codes = grant
      ? await platform.database.db.select().from(mcpCodes).where(eq(mcpCodes.grantId, grant.id))
      : [];
    return { grant, codes };
  }
  const grantsOf = (userId: string) =>
    platform.database.db
      .select()
      .from(mcpGrants)
      .where(eq(mcpGrants.userId, userId as never));

  describe("refused on a page, never redirected, until the client and redirect URI are known good", () => {
    const cases: Array<[string, Parameters<typeof query>[0], string]> = [
      ["client_id missing", { client_id: undefined }, "client_id: required"],
      ["client_id unknown", { client_id: "mcl_nobody" }, "client_id: mcl_nobody is not a client"],
      [
        "client_id repeated",
        { client_id: [dynamic.clientId, documented.clientId] },
        "client_id: given more than once",
      ],
      ["redirect_uri missing", { redirect_uri: undefined }, "redirect_uri: required"],
      [
        "redirect_uri another site's (an open redirect)",
        { redirect_uri: "https://evil.example/steal" },
        "redirect_uri: Desktop Assistant did not register https://evil.example/steal",
      ],
      [
        "redirect_uri another path on loopback",
        { redirect_uri: "http://127.0.0.1:33418/other" },
        "redirect_uri: Desktop Assistant did not register",
      ],
      [
        "redirect_uri repeated",
        { redirect_uri: ["http://127.0.0.1:33418/callback", "https://evil.example/steal"] },
        "redirect_uri: given more than once",
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(what, async () => {
        // Even with the rest wrong too: the client's problem is the one that is said.
        const response = await authorize({ ...overrides, code_challenge_method: "plain" }, ada);
        expect(response.status).toBe(400);
        expect(response.headers.get("location")).toBeNull();
        expect(response.headers.get("content-type")).toMatch(/^text\/html/);
        expect(response.headers.get("x-frame-options")).toBe("DENY");
        const html = await response.text();
        expect(html).toContain(message);
        expect(html).not.toMatch(/href="https:\/\/evil/);
      });
    }
  });

  describe("refused back to the client, with error, error_description, state and iss", () => {
    const cases: Array<[string, () => Parameters<typeof query>[0], string, RegExp]> = [
      [
        "response_type missing",
        () => ({ response_type: undefined }),
        "invalid_request",
        /^response_type: required/,
      ],
      [
        "response_type token",
        () => ({ response_type: "token" }),
        "unsupported_response_type",
        /^response_type: only code/,
      ],
      [
        "PKCE missing",
        () => ({ code_challenge: undefined, code_challenge_method: undefined }),
        "invalid_request",
        /^code_challenge_method: required/,
      ],
      [
        "PKCE plain (a downgrade)",
        () => ({ code_challenge_method: "plain", code_challenge: VERIFIER }),
        "invalid_request",
        /^code_challenge_method: only S256/,
      ],
      [
        "code_challenge missing",
        () => ({ code_challenge: undefined }),
        "invalid_request",
        /^code_challenge: required/,
      ],
      [
        "code_challenge malformed",
        () => ({ code_challenge: "short" }),
        "invalid_request",
        /^code_challenge: must be 43 to 128/,
      ],
      [
        "resource missing",
        () => ({ resource: undefined }),
        "invalid_target",
        /^resource: required/,
      ],
      [
        "resource another site",
        () => ({ resource: "https://other.example/mcp/notes" }),
        "invalid_target",
        /^resource: .* is not a server of ours/,
      ],
      [
        "resource an unknown server",
        () => ({ resource: `${url}/mcp/nowhere` }),
        "invalid_target",
        /not a server of ours/,
      ],
      [
        "scope repeated",
        () => ({ scope: ["mcp", "mcp"] }),
        "invalid_request",
        /^scope: given more than once$/,
      ],
      [
        "resource repeated",
        () => ({ resource: ["a", "b"] }),
        "invalid_request",
        /^resource: given more than once$/,
      ],
    ];
    for (const [what, overrides, error, description] of cases) {
      it(what, async () => {
        const response = await authorize(overrides(), ada);
        expect(response.status).toBe(302);
        const to = locationOf(response);
        expect(`${to.origin}${to.pathname}`).toBe("http://127.0.0.1:33418/callback");
        expect(to.searchParams.get("error")).toBe(error);
        expect(to.searchParams.get("error_description")).toMatch(description);
        expect(to.searchParams.get("state")).toBe("client-state-1");
        expect(to.searchParams.get("iss")).toBe(url);
        expect(to.searchParams.get("code")).toBeNull();
      });
    }

    it("a repeated state is not echoed (which one would be?), the error still goes back", async () => {
      const to = locationOf(await authorize({ state: ["one", "two"] }, ada));
      expect(to.searchParams.get("error")).toBe("invalid_request");
      expect(to.searchParams.get("error_description")).toBe("state: given more than once");
      expect(to.searchParams.has("state")).toBe(false);
      expect(to.searchParams.get("iss")).toBe(url);
    });
  });

  it("sends a signed-out browser to sign in, and back to the same request after", async () => {
    const response = await authorize();
    expect(response.status).toBe(302);
    const signIn = new URL(response.headers.get("location") ?? "", url);
    expect(signIn.pathname).toBe("/sign-in");
    expect(signIn.searchParams.get("next")).toBe(query());
    const signedIn = await fetch(`${url}/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
      body: new URLSearchParams({
        email: "bob@example.com",
        password: "correct horse battery",
        next: signIn.searchParams.get("next") ?? "",
      }),
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe(query());
  });

  it("shows a consent page that names the client, its redirect host and the server, and cannot be framed", async () => {
    const { response, html } = await consentPage();
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    // The Allow answer redirects to the client: that target, and only it, besides this site.
    expect(csp).toContain("form-action 'self' http://127.0.0.1:33418;");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(html).toContain(`Allow Desktop Assistant to use ${server}?`);
    expect(html).toContain("<code>127.0.0.1:33418</code>");
    expect(html).toContain("Unverified");
    expect(html).toContain("It never sees your credentials");
  });

  it("marks a metadata-document client verified by its URL's host", async () => {
    const { html } = await consentPage({
      client_id: documented.clientId,
      redirect_uri: "https://assistant.example/api/mcp/auth_callback",
    });
    expect(html).toContain("Verified");
    expect(html).not.toContain("Unverified");
    expect(html).toContain("<strong>assistant.example</strong>");
  });

  it("names an operator's client as theirs, and a private-use scheme's app in form-action", async () => {
    const { response, html } = await consentPage({
      client_id: preregistered.clientId,
      redirect_uri: "cursor://anysphere.cursor-mcp/oauth/callback",
    });
    expect(html).toContain("Registered by your operator");
    expect(html).toContain("<code>cursor://anysphere.cursor-mcp</code>");
    expect(response.headers.get("content-security-policy")).toContain(
      "form-action 'self' cursor:;",
    );
  });

  it("drops scopes it does not know, and grants mcp", async () => {
    const { pending, csrf } = await consentPage({ scope: "mcp offline_access admin" });
    expect((await post({ csrf, pending, decision: "allow" }, ada)).status).toBe(303);
    const { grant, codes } = await grantHere(ada.userId);
    expect(grant?.scopes).toEqual(["mcp"]);
    expect(codes.map((code) => code.scopes)).toEqual([["mcp"]]);
  });

  it("takes a loopback redirect on another port (RFC 8252 7.3)", async () => {
    const { html } = await consentPage({ redirect_uri: "http://127.0.0.1:52001/callback" });
    expect(html).toContain("<code>127.0.0.1:52001</code>");
  });

  it("Allow: remembers the consent, and redirects with a single code bound to the request", async () => {
    const { pending, csrf } = await consentPage();
    const response = await post({ csrf, pending, decision: "allow" }, ada);
    expect(response.status).toBe(303);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const to = locationOf(response);
    expect(`${to.origin}${to.pathname}`).toBe("http://127.0.0.1:33418/callback");
    expect(to.searchParams.get("state")).toBe("client-state-1");
    expect(to.searchParams.get("iss")).toBe(url);
    const code = to.searchParams.get("code") ?? "";
    expect(code.length).toBeGreaterThanOrEqual(43);
    const { grant, codes } = await grantHere(ada.userId);
    expect(grant).toMatchObject({
      clientId: dynamic.clientId,
      clientName: "Desktop Assistant",
      scopes: ["mcp"],
    });
    expect(codes).toMatchObject([
      {
        redirectUri: "http://127.0.0.1:33418/callback",
        codeChallenge: CHALLENGE,
        resource: resource(),
        scopes: ["mcp"],
      },
    ]);
    // Stored as a hash only.
    expect(JSON.stringify(codes)).not.toContain(code);
  });

  it("a remembered consent is not asked again: the client gets a code at once", async () => {
    const { pending, csrf } = await consentPage();
    expect((await post({ csrf, pending, decision: "allow" }, ada)).status).toBe(303);
    const again = await authorize({ state: "second" }, ada);
    expect(again.status).toBe(302);
    const to = locationOf(again);
    expect(to.searchParams.get("code")).toMatch(/.{43,}/);
    expect(to.searchParams.get("state")).toBe("second");
    expect(to.searchParams.get("iss")).toBe(url);
    // Per user: bob is asked.
    expect((await authorize({}, bob)).status).toBe(200);
    // Arriving from one of our own pages (after signing in), one click confirms it.
    const fromSignIn = await fetch(`${url}${query()}`, {
      redirect: "manual",
      headers: { cookie: ada.cookie, "sec-fetch-site": "same-origin" },
    });
    expect(fromSignIn.status).toBe(200);
    expect(await fromSignIn.text()).toContain("You allowed this app before");
  });

  it("Deny: access_denied back to the client, nothing remembered", async () => {
    const before = (await grantsOf(ada.userId)).length;
    const { pending, csrf } = await consentPage();
    const to = locationOf(await post({ csrf, pending, decision: "deny" }, ada));
    expect(to.searchParams.get("error")).toBe("access_denied");
    expect(to.searchParams.get("state")).toBe("client-state-1");
    expect(to.searchParams.get("iss")).toBe(url);
    expect(to.searchParams.get("code")).toBeNull();
    expect(await grantsOf(ada.userId)).toHaveLength(before);
  });

  describe("the POST", () => {
    it("refuses a missing or wrong CSRF token", async () => {
      const before = (await grantsOf(ada.userId)).length;
      const { pending } = await consentPage();
      for (const csrf of [undefined, bob.csrfToken, "forged"]) {
        const response = await post({ pending, decision: "allow", ...(csrf ? { csrf } : {}) }, ada);
        expect(response.status).toBe(403);
        expect(response.headers.get("location")).toBeNull();
        expect(await response.text()).toContain("csrf: this form did not come from");
      }
      expect(await grantsOf(ada.userId)).toHaveLength(before);
    });

    it("refuses a post from another site (a forged Allow)", async () => {
      const { pending, csrf } = await consentPage();
      const response = await post(
        { csrf, pending, decision: "allow" },
        ada,
        "https://evil.example",
      );
      expect(response.status).toBe(403);
      expect(response.headers.get("location")).toBeNull();
    });

    it("refuses a consent page shown to another session", async () => {
      const { pending } = await consentPage({}, ada);
      const response = await post({ csrf: bob.csrfToken, pending, decision: "allow" }, bob);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("pending: This page was not shown to this session");
      expect(await grantsOf(bob.userId)).toHaveLength(0);
    });

    it("refuses parameters changed between the page and the post", async () => {
      const { pending, csrf } = await consentPage();
      const [body, signature] = pending.split(".");
      const fields = JSON.parse(Buffer.from(body ?? "", "base64url").toString()) as [
        number,
        string,
      ];
      const changed = new URLSearchParams(fields[1]);
      changed.set("redirect_uri", "http://127.0.0.1:33418/callback?stolen=1");
      const forged = `${Buffer.from(JSON.stringify([fields[0], changed.toString()])).toString("base64url")}.${signature}`;
      const response = await post({ csrf, pending: forged, decision: "allow" }, ada);
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
    });

    it("refuses an expired consent page", async () => {
      const { pending, csrf } = await consentPage();
      await clock.advance(31 * 60_000);
      const response = await post({ csrf, pending, decision: "allow" }, ada);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("pending: This page has expired");
    });

    it("refuses a decision that is neither allow nor deny", async () => {
      const { pending, csrf } = await consentPage();
      const response = await post({ csrf, pending, decision: "maybe" }, ada);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("decision: must be allow or deny");
    });

    it("refuses when signed out", async () => {
      const { pending, csrf } = await consentPage();
      const response = await post({ csrf, pending, decision: "allow" });
      expect(response.status).toBe(401);
      expect(response.headers.get("location")).toBeNull();
    });
  });

  describe("connect in the same flow: a cred server", () => {
    it("offers the server's form, which comes back to the consent page once saved", async () => {
      server = "crm";
      const first = await consentPage({}, bob);
      expect(first.html).toContain("First, set up crm");
      const href = /href="(\/auth\/form\/crm\?[^"]+)"/
        .exec(first.html)?.[1]
        ?.replaceAll("&amp;", "&");
      expect(href).toBeDefined();
      const link = new URL(href ?? "", url);
      expect(link.searchParams.get("return_to")).toBe(query());

      const form = await fetch(link, { headers: { cookie: bob.cookie } });
      expect(form.status).toBe(200);
      const formHtml = await form.text();
      const action = /action="([^"]+)"/.exec(formHtml)?.[1]?.replaceAll("&amp;", "&") ?? "";
      const ticket = /name="ticket" value="([^"]+)"/.exec(formHtml)?.[1] ?? "";
      const saved = await fetch(new URL(action, url), {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: url,
          cookie: bob.cookie,
        },
        body: new URLSearchParams({
          ticket,
          csrf: bob.csrfToken,
          api_key: "crm_live_bob",
          workspace: "bobs",
        }),
      });
      expect(saved.status).toBe(303);
      expect(saved.headers.get("location")).toBe(query());

      const back = await consentPage({}, bob);
      expect(back.html).not.toContain("First, set up crm");
      const allowed = await post(
        { csrf: back.csrf, pending: back.pending, decision: "allow" },
        bob,
      );
      expect(locationOf(allowed).searchParams.get("code")).toMatch(/.{43,}/);
    });

    it("asks again, despite a remembered consent, while the server is not set up", async () => {
      server = "crm";
      const { pending, csrf } = await consentPage({}, ada);
      expect((await post({ csrf, pending, decision: "allow" }, ada)).status).toBe(303);
      const again = await authorize({}, ada);
      expect(again.status).toBe(200);
      expect(await again.text()).toContain("Enter your credentials first");
    });

    it("the form refuses a return_to that is not a path of ours", async () => {
      const response = await fetch(
        `${url}/auth/form/crm?ticket=x&return_to=${encodeURIComponent("//evil.example/")}`,
        { headers: { cookie: bob.cookie } },
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("return_to: must be a path of this site");
    });
  });

  describe("connect in the same flow: an oauth server", () => {
    it("offers to connect the account first, coming back to the consent page", async () => {
      server = "tasks";
      const { html } = await consentPage({}, bob);
      expect(html).toContain("Connect oidc first");
      const href = /href="(\/auth\/start\/tasks\?[^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
      const link = new URL(href ?? "/nowhere", url);
      expect(link.pathname).toBe("/auth/start/tasks");
      expect(link.searchParams.get("ticket")).toMatch(/\./);
      expect(link.searchParams.get("return_to")).toBe(query());

      // Connected (as the callback would store it), nothing is offered any more.
      const id = newId("connection");
      await platform.database.db.insert(connections).values({
        id,
        userId: bob.userId as Id<"user">,
        serverId: tasksId,
        provider: "oidc",
        nickname: "bob-account",
        accessToken: platform.services.vault.encrypt("bob-access-token", {
          table: "connections",
          id,
          field: "access_token",
        }),
        tokenType: "bearer",
        scopes: [],
      });
      const after = await consentPage({}, bob);
      expect(after.html).not.toContain("Connect oidc first");
      expect(after.html).not.toContain("bob-access-token");
    });
  });

  describe("connected apps", () => {
    const call = (as: SignedIn, method: string, path: string) =>
      fetch(`${url}${path}`, {
        method,
        headers: { cookie: as.cookie, "x-csrf-token": as.csrfToken, origin: url },
      });

    it("lists the user's grants, and revokes one (its codes with it); another's is not found", async () => {
      const { pending, csrf } = await consentPage();
      expect((await post({ csrf, pending, decision: "allow" }, ada)).status).toBe(303);
      expect((await grantHere(ada.userId)).codes).toHaveLength(1);
      const listed = await call(ada, "GET", "/api/connected-apps");
      expect(listed.status).toBe(200);
      const { apps } = (await listed.json()) as { apps: Array<Record<string, unknown>> };
      const mine = apps.find((app) => app.serverName === server);
      expect(mine).toMatchObject({
        id: expect.stringMatching(/^mgr_/),
        clientId: dynamic.clientId,
        clientName: "Desktop Assistant",
        scopes: ["mcp"],
        createdAt: expect.any(String),
        lastUsedAt: null,
      });
      const bobs = (await (await call(bob, "GET", "/api/connected-apps")).json()) as {
        apps: unknown[];
      };
      expect(bobs.apps.some((app) => (app as { id: string }).id === mine?.id)).toBe(false);

      const theirs = await call(bob, "DELETE", `/api/connected-apps/${mine?.id}`);
      expect(theirs.status).toBe(404);
      expect(await theirs.json()).toMatchObject({
        error: { code: "not_found", message: expect.stringMatching(/^grantId: /) },
      });
      expect(await grantsOf(ada.userId)).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: mine?.id })]),
      );

      expect((await call(ada, "DELETE", `/api/connected-apps/${mine?.id}`)).status).toBe(204);
      expect(
        await platform.database.db
          .select()
          .from(mcpCodes)
          .where(eq(mcpCodes.grantId, mine?.id as never)),
      ).toEqual([]);
      expect((await call(ada, "DELETE", `/api/connected-apps/${mine?.id}`)).status).toBe(404);
      // Revoked, the consent is asked for again.
      expect((await authorize({}, ada)).status).toBe(200);
    });

    it("refuses a revoke without the CSRF token", async () => {
      const response = await fetch(`${url}/api/connected-apps/mgr_aaaaaaaaaaaaaaaaaaaaaaaaaa`, {
        method: "DELETE",
        headers: { cookie: ada.cookie, origin: url },
      });
      expect(response.status).toBe(403);
    });
  });
});
