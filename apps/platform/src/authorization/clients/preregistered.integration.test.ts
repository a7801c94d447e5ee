import { type Id, mcpGrants, newId } from "@gumstack/db";
import { findPlaintext, testDriver } from "@gumstack/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SignedIn, type TestPlatform, testPlatform } from "../../testing/api-client.js";
import type { McpClient } from "../contracts.js";

describe(`pre-registered clients, /api/oauth-clients [${testDriver}]`, () => {
  let platform: TestPlatform;
  let admin: SignedIn;
  beforeEach(async () => {
    platform = await testPlatform();
    admin = await platform.signUpAdmin("admin@example.com");
  });
  afterEach(() => platform.close());

  const create = (body: unknown, as = admin) =>
    platform.call("POST", "/api/oauth-clients", { body, as });

  it("registers a public client for a known app, listed and found", async () => {
    const response = await create({
      name: "Team dashboard",
      redirectUris: ["https://dash.example/oauth/callback"],
      clientUri: "https://dash.example",
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { clientId: string; clientSecret: string | null };
    expect(created).toMatchObject({
      clientId: expect.stringMatching(/^mcl_[a-z2-7]{26}$/),
      name: "Team dashboard",
      redirectUris: ["https://dash.example/oauth/callback"],
      tokenEndpointAuthMethod: "none",
      clientUri: "https://dash.example",
      clientSecret: null,
    });
    const client = (await platform.services.clients.find(created.clientId)) as McpClient;
    expect(client).toEqual({
      clientId: created.clientId,
      kind: "preregistered",
      name: "Team dashboard",
      redirectUris: ["https://dash.example/oauth/callback"],
      tokenEndpointAuthMethod: "none",
      clientUri: "https://dash.example",
    });
    const list = await platform.call("GET", "/api/oauth-clients", { as: admin });
    expect(((await list.json()) as { clients: unknown[] }).clients).toEqual([
      expect.objectContaining({ clientId: created.clientId, name: "Team dashboard" }),
    ]);
  });

  it("gives a confidential client its secret in the creating answer only", async () => {
    const response = await create({
      name: "Backend",
      redirectUris: ["https://backend.example/cb"],
      confidential: true,
      clientId: "backend-prod",
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { clientId: string; clientSecret: string };
    expect(created).toMatchObject({
      clientId: "backend-prod",
      tokenEndpointAuthMethod: "client_secret_basic",
      clientSecret: expect.stringMatching(/^mcs_/),
    });
    const listed = await (await platform.call("GET", "/api/oauth-clients", { as: admin })).text();
    expect(listed).toContain("backend-prod");
    expect(listed).not.toContain(created.clientSecret);
    expect(await findPlaintext(platform.database.db, [created.clientSecret])).toEqual([]);
    const client = (await platform.services.clients.find("backend-prod")) as McpClient;
    expect(await platform.services.clients.authenticate(client, created.clientSecret)).toBe(true);
    expect(await platform.services.clients.authenticate(client, undefined)).toBe(false);

    const again = await create({
      name: "Other",
      redirectUris: ["https://o.example/cb"],
      clientId: "backend-prod",
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      error: { code: "conflict", message: "clientId: a client backend-prod exists" },
    });
  });

  it.each([
    [{ redirectUris: ["https://a.example/cb"] }, "name: must be a string"],
    [
      { name: "A", redirectUris: ["javascript:alert(1)"] },
      "redirectUris.0: must not use the javascript: scheme",
    ],
    [{ name: "A", redirectUris: [] }, "redirectUris: must list at least one redirect URI"],
    [
      { name: "A", redirectUris: ["https://a.example/cb"], confidential: "yes" },
      "confidential: must be true or false",
    ],
    [
      { name: "A", redirectUris: ["https://a.example/cb"], clientId: "https://evil.example/doc" },
      "clientId: must be 3 to 100 letters",
    ],
    [
      { name: "A", redirectUris: ["https://a.example/cb"], clientId: "mcl_mine" },
      "clientId: must not start with mcl_",
    ],
    [
      { name: "A", redirectUris: ["https://a.example/cb"], logoUri: "http://a.example/l.png" },
      "logoUri: must be an https:// URL",
    ],
  ])("refuses %j with a 400 naming the field", async (body, message) => {
    const response = await create(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "bad_request", message: expect.stringContaining(message) },
    });
  });

  it("is for admins only", async () => {
    const member = await platform.signUp("member@example.com");
    const body = { name: "A", redirectUris: ["https://a.example/cb"] };
    const refused = await create(body, member);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "forbidden" } });
    expect((await platform.call("GET", "/api/oauth-clients", { as: member })).status).toBe(403);
    expect(
      (await platform.call("DELETE", "/api/oauth-clients/x-client", { as: member })).status,
    ).toBe(403);
    const anonymous = await platform.call("POST", "/api/oauth-clients", { body });
    expect(anonymous.status).toBe(401);
    expect((await platform.call("GET", "/api/oauth-clients")).status).toBe(401);
    // A cookie without its CSRF token (a cross-site form) does not register one either.
    expect(
      (await platform.call("POST", "/api/oauth-clients", { body, as: admin, csrf: false })).status,
    ).toBe(403);
    expect(await platform.database.db.select().from(mcpGrants)).toEqual([]);
  });

  it("deletes a client, and with it what users allowed it", async () => {
    const { clientId } = (await (
      await create({
        name: "Going",
        redirectUris: ["https://going.example/cb"],
        clientId: "going-app",
      })
    ).json()) as { clientId: string };
    const serverId = (await platform.serverOf(admin, "weather")) as Id<"server">;
    await platform.database.db.insert(mcpGrants).values({
      id: newId("mcpGrant"),
      userId: admin.userId as Id<"user">,
      serverId,
      clientId,
      clientName: "Going",
      scopes: ["mcp"],
    });
    const deleted = await platform.call("DELETE", `/api/oauth-clients/${clientId}`, { as: admin });
    expect(deleted.status).toBe(204);
    expect(await platform.services.clients.find(clientId)).toMatchObject({
      problem: "unknown_client",
    });
    expect(await platform.database.db.select().from(mcpGrants)).toEqual([]);
    const again = await platform.call("DELETE", `/api/oauth-clients/${clientId}`, { as: admin });
    expect(again.status).toBe(404);
  });

  it("does not delete a dynamically registered client through this API", async () => {
    const registered = await platform.call("POST", "/oauth/register", {
      body: { redirect_uris: ["https://claude.ai/api/mcp/auth_callback"] },
    });
    const { client_id } = (await registered.json()) as { client_id: string };
    const response = await platform.call("DELETE", `/api/oauth-clients/${client_id}`, {
      as: admin,
    });
    expect(response.status).toBe(404);
    expect(await platform.services.clients.find(client_id)).toMatchObject({ kind: "registered" });
    // Nor is it listed among the operator's.
    const list = await platform.call("GET", "/api/oauth-clients", { as: admin });
    expect(await list.json()).toEqual({ clients: [] });
  });
});
