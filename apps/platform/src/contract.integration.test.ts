import { fileURLToPath } from "node:url";
import { connections, type Id, mcpGrants, newId } from "@gumstack/db";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, type TestPlatform, testPlatform } from "./testing/api-client.js";

/**
 * Rules every control-plane route keeps. A route of the app missing from this table fails the
 * suite, so a new route cannot skip it.
 */
interface RouteContract {
  method: string;
  path: string;
  /** With `{server}` and `{key}` filled for the caller's own resources. */
  concrete: string;
  /** A body the route refuses, and the field its message must name. */
  bad?: { body: unknown; field: string };
  /** A route reading someone's resource: another user gets 404. */
  owned?: boolean;
  /** Public routes need no session. */
  public?: boolean;
  /** Admins only: a signed-in user who is not one gets 403. */
  admin?: boolean;
}

const example = (name: string) =>
  fileURLToPath(new URL(`apps/example-${name}`, `file://${repoRoot}`));

/** A body for the routes that take one; GET and DELETE take none. */
const bodyFor = (route: RouteContract, body: unknown) =>
  ["GET", "DELETE"].includes(route.method) ? {} : { body };

const routes: RouteContract[] = [
  {
    method: "POST",
    path: "/api/auth/sign-up",
    concrete: "/api/auth/sign-up",
    public: true,
    bad: {
      body: { email: "not-an-email", password: "correct horse battery", name: "x" },
      field: "email",
    },
  },
  {
    method: "POST",
    path: "/api/auth/sign-in",
    concrete: "/api/auth/sign-in",
    public: true,
    bad: { body: { email: "a@b.co" }, field: "password" },
  },
  { method: "POST", path: "/api/auth/sign-out", concrete: "/api/auth/sign-out" },
  {
    method: "POST",
    path: "/api/auth/sign-out-everywhere",
    concrete: "/api/auth/sign-out-everywhere",
  },
  {
    method: "POST",
    path: "/api/auth/password",
    concrete: "/api/auth/password",
    bad: { body: { currentPassword: "x", newPassword: "short" }, field: "newPassword" },
  },
  { method: "GET", path: "/api/invites", concrete: "/api/invites", admin: true },
  {
    method: "POST",
    path: "/api/invites",
    concrete: "/api/invites",
    admin: true,
    bad: { body: { days: 0 }, field: "days" },
  },
  {
    method: "DELETE",
    path: "/api/invites/:id",
    concrete: "/api/invites/inv_00000000000000000000000000",
    admin: true,
  },
  { method: "GET", path: "/api/oauth-clients", concrete: "/api/oauth-clients", admin: true },
  {
    method: "POST",
    path: "/api/oauth-clients",
    concrete: "/api/oauth-clients",
    admin: true,
    bad: { body: { name: "App", redirectUris: ["javascript:alert(1)"] }, field: "redirectUris.0" },
  },
  {
    method: "DELETE",
    path: "/api/oauth-clients/:clientId",
    concrete: "/api/oauth-clients/some-app",
    admin: true,
  },
  { method: "GET", path: "/api/me", concrete: "/api/me" },
  { method: "GET", path: "/api/keys", concrete: "/api/keys" },
  {
    method: "POST",
    path: "/api/keys",
    concrete: "/api/keys",
    bad: { body: { name: "" }, field: "name" },
  },
  { method: "DELETE", path: "/api/keys/:id", concrete: "/api/keys/{key}", owned: true },
  { method: "GET", path: "/api/connected-apps", concrete: "/api/connected-apps" },
  {
    method: "DELETE",
    path: "/api/connected-apps/:grantId",
    concrete: "/api/connected-apps/{grant}",
    owned: true,
  },
  { method: "GET", path: "/api/servers", concrete: "/api/servers" },
  {
    method: "POST",
    path: "/api/servers",
    concrete: "/api/servers",
    bad: { body: { path: "" }, field: "path" },
  },
  // Every signed-in user sees every server; running one is its owner's.
  { method: "GET", path: "/api/servers/:server", concrete: "/api/servers/{server}" },
  { method: "GET", path: "/api/servers/:server/tools", concrete: "/api/servers/{server}/tools" },
  {
    method: "GET",
    path: "/api/servers/:server/deployments",
    concrete: "/api/servers/{server}/deployments",
    owned: true,
  },
  {
    method: "GET",
    path: "/api/servers/:server/deployments/:deployment/logs",
    concrete: "/api/servers/{server}/deployments/dep_00000000000000000000000000/logs",
    owned: true,
  },
  // Each user's own connections and credentials: another's are never in reach.
  {
    method: "GET",
    path: "/api/servers/:server/connections",
    concrete: "/api/servers/oauth-server/connections",
  },
  {
    method: "DELETE",
    path: "/api/servers/:server/connections/:connection",
    concrete: "/api/servers/oauth-server/connections/{connection}",
    owned: true,
  },
  {
    method: "GET",
    path: "/api/servers/:server/credentials",
    concrete: "/api/servers/cred-server/credentials",
  },
  {
    method: "PUT",
    path: "/api/servers/:server/credentials",
    concrete: "/api/servers/cred-server/credentials",
    bad: { body: { values: { api_key: 42 } }, field: "values.api_key" },
  },
  {
    method: "DELETE",
    path: "/api/servers/:server/credentials",
    concrete: "/api/servers/cred-server/credentials",
  },
  {
    method: "POST",
    path: "/api/servers/:server/deploy",
    concrete: "/api/servers/{server}/deploy",
    owned: true,
  },
  {
    method: "DELETE",
    path: "/api/servers/:server",
    concrete: "/api/servers/{server}",
    owned: true,
  },
  // A proxied server's configuration: admins only (it says what runs here), on their own servers.
  {
    method: "GET",
    path: "/api/servers/:server/config",
    concrete: "/api/servers/{server}/config",
    admin: true,
  },
  {
    method: "PUT",
    path: "/api/servers/:server/config",
    concrete: "/api/servers/{server}/config",
    admin: true,
    bad: { body: { version: 42, config: {} }, field: "version" },
  },
  // A proxied server's per-user processes: its owner's to see and stop.
  {
    method: "GET",
    path: "/api/servers/:server/processes",
    concrete: "/api/servers/{server}/processes",
    owned: true,
  },
  {
    method: "DELETE",
    path: "/api/servers/:server/processes/:user",
    concrete: "/api/servers/{server}/processes/usr_00000000000000000000000000",
    owned: true,
  },
  {
    method: "GET",
    path: "/api/servers/:server/activity",
    concrete: "/api/servers/{server}/activity",
    owned: true,
  },
  {
    method: "GET",
    path: "/api/servers/:server/env",
    concrete: "/api/servers/{server}/env",
    owned: true,
  },
  {
    method: "PUT",
    path: "/api/servers/:server/env/:name",
    concrete: "/api/servers/{server}/env/API_TOKEN",
    owned: true,
    bad: { body: { value: 42 }, field: "value" },
  },
  {
    method: "DELETE",
    path: "/api/servers/:server/env/:name",
    concrete: "/api/servers/{server}/env/API_TOKEN",
    owned: true,
  },
];

describe(`control-plane contract [${testDriver}]`, () => {
  let platform: TestPlatform;
  let owner: SignedIn;
  let stranger: SignedIn;
  const fill = (path: string) =>
    path
      .replace("{server}", "owned-server")
      .replace("{key}", ownerKey)
      .replace("{connection}", ownerConnection)
      .replace("{grant}", ownerGrant);
  let ownerKey: string;
  let ownerGrant: Id<"mcpGrant">;
  let ownerConnection: Id<"connection">;

  beforeAll(async () => {
    platform = await testPlatform();
    owner = await platform.signUpAdmin("owner@example.com");
    stranger = await platform.signUp("stranger@example.com");
    await platform.serverOf(owner, "owned-server");
    await platform.serverOf(owner, "cred-server", {
      authType: "cred",
      sourcePath: example("cred"),
    });
    const oauthServer = await platform.serverOf(owner, "oauth-server", {
      authType: "oauth",
      sourcePath: example("oauth"),
    });
    ownerGrant = newId("mcpGrant");
    await platform.database.db.insert(mcpGrants).values({
      id: ownerGrant,
      userId: owner.userId as Id<"user">,
      serverId: oauthServer as Id<"server">,
      clientId: "mcl_contract",
      clientName: "Contract client",
      scopes: ["mcp"],
    });
    ownerConnection = newId("connection");
    await platform.database.db.insert(connections).values({
      id: ownerConnection,
      userId: owner.userId as Id<"user">,
      serverId: oauthServer as Id<"server">,
      provider: "oidc",
      nickname: "owner-account",
      accessToken: platform.services.vault.encrypt("owner-access-token", {
        table: "connections",
        id: ownerConnection,
        field: "access_token",
      }),
      tokenType: "bearer",
      scopes: [],
    });
    expect(
      (
        await platform.call("PUT", "/api/servers/cred-server/credentials", {
          as: owner,
          body: { values: { api_key: "owner-secret-key", workspace: "owners" } },
        })
      ).status,
    ).toBe(200);
    const created = await platform.call("POST", "/api/keys", {
      as: owner,
      body: { name: "laptop" },
    });
    ownerKey = ((await created.json()) as { id: string }).id;
    await platform.call("PUT", "/api/servers/owned-server/env/API_TOKEN", {
      as: owner,
      body: { value: "kept" },
    });
  });
  afterAll(async () => platform?.close());

  it("covers every /api route of the app", () => {
    const served = platform.app.routes
      .filter((r) => r.path.startsWith("/api/") && r.method !== "ALL")
      .map((r) => `${r.method} ${r.path}`);
    expect(new Set(served)).toEqual(new Set(routes.map((r) => `${r.method} ${r.path}`)));
  });

  for (const route of routes.filter((r) => !r.public)) {
    it(`${route.method} ${route.path}: no session → 401 with WWW-Authenticate`, async () => {
      const response = await platform.call(route.method, fill(route.concrete), {
        ...bodyFor(route, route.bad?.body ?? {}),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await response.json()).toMatchObject({
        error: { code: "unauthorized", requestId: expect.any(String) },
      });
    });
  }

  for (const route of routes.filter((r) => r.owned)) {
    it(`${route.method} ${route.path}: another user's resource → 404`, async () => {
      const response = await platform.call(route.method, fill(route.concrete), {
        as: stranger,
        ...bodyFor(route, { value: "x" }),
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
    });
  }

  for (const route of routes.filter((r) => r.admin)) {
    it(`${route.method} ${route.path}: not an admin → 403`, async () => {
      const response = await platform.call(route.method, fill(route.concrete), {
        as: stranger,
        ...bodyFor(route, {}),
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
    });
  }

  for (const route of routes.filter((r) => r.bad)) {
    it(`${route.method} ${route.path}: a bad body → 400 naming ${route.bad?.field}`, async () => {
      const response = await platform.call(route.method, fill(route.concrete), {
        as: owner,
        body: route.bad?.body,
      });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("bad_request");
      expect(error.message).toMatch(new RegExp(`^${route.bad?.field}: |; ${route.bad?.field}: `));
    });
  }

  for (const route of routes.filter((r) => r.bad)) {
    it(`${route.method} ${route.path}: a NUL character anywhere in the body → 400 naming where`, async () => {
      const response = await platform.call(route.method, fill(route.concrete), {
        as: owner,
        body: { note: ["fine", { deep: "a\u0000b" }] },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: "bad_request", message: "note.1.deep: must not contain a NUL character" },
      });
    });
  }

  it("a body that is not JSON → 400", async () => {
    const response = await platform.call("POST", "/api/keys", { as: owner, body: "{nope" });
    expect(response.status).toBe(400);
  });

  it("the stranger's attempts changed nothing of the owner's", async () => {
    const creds = await platform.call("GET", "/api/servers/cred-server/credentials", { as: owner });
    expect(await creds.json()).toMatchObject({
      fields: [
        { name: "api_key", set: true },
        { name: "workspace", set: true, value: "owners" },
      ],
    });
    const mine = await platform.call("GET", "/api/servers/oauth-server/connections", { as: owner });
    expect(await mine.json()).toMatchObject({ connections: [{ nickname: "owner-account" }] });
    const theirs = await platform.call("GET", "/api/servers/oauth-server/connections", {
      as: stranger,
    });
    expect(await theirs.json()).toMatchObject({ connections: [] });
    const listed = await platform.call("GET", "/api/servers/owned-server/env", { as: owner });
    expect(((await listed.json()) as { variables: unknown[] }).variables).toHaveLength(1);
    const apps = await platform.call("GET", "/api/connected-apps", { as: owner });
    expect(await apps.json()).toMatchObject({ apps: [{ id: ownerGrant }] });
    const keys = await platform.call("GET", "/api/keys", { as: owner });
    expect(
      ((await keys.json()) as { keys: Array<{ revokedAt: unknown }> }).keys[0]?.revokedAt,
    ).toBeNull();
  });
});
