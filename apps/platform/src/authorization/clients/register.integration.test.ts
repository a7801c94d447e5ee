import { createHash } from "node:crypto";
import { mcpClients } from "@gumstack/db";
import { findPlaintext, testDriver } from "@gumstack/db/testing";
import { ManualClock } from "@gumstack/runtime/testing";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestPlatform, testPlatform } from "../../testing/api-client.js";
import type { McpClient } from "../contracts.js";

const CLAUDE = "https://claude.ai/api/mcp/auth_callback";
const CURSOR = [
  "cursor://anysphere.cursor-mcp/oauth/callback",
  "https://www.cursor.com/agents/mcp/oauth/callback",
  "http://localhost:8787/callback",
];

describe(`dynamic client registration, POST /oauth/register [${testDriver}]`, () => {
  let platform: TestPlatform;
  beforeEach(async () => {
    platform = await testPlatform({
      // Still: a Retry-After of exactly the window.
      clock: new ManualClock(Date.parse("2026-03-01T12:00:00Z")),
      trustProxy: 1,
      limits: {
        registerPerAddress: {
          what: "client registrations from your address",
          hits: 3,
          windowMs: 600_000,
        },
      },
    });
  });
  afterEach(() => platform.close());

  /** Registers as a browser-based client would, from its own origin, from `address`. */
  const register = (body: unknown, headers: Record<string, string> = {}, address = "203.0.113.1") =>
    platform.call("POST", "/oauth/register", {
      body,
      headers: {
        origin: "https://claude.ai",
        "sec-fetch-site": "cross-site",
        "x-forwarded-for": address,
        ...headers,
      },
    });
  const found = async (clientId: string) =>
    (await platform.services.clients.find(clientId)) as McpClient;

  it.each([
    ["claude.ai", { client_name: "Claude", redirect_uris: [CLAUDE] }],
    [
      "claude.com",
      { client_name: "Claude", redirect_uris: ["https://claude.com/api/mcp/auth_callback"] },
    ],
    ["Cursor, three URIs at once", { client_name: "Cursor", redirect_uris: CURSOR }],
    [
      "VS Code",
      {
        client_name: "Visual Studio Code",
        redirect_uris: ["http://127.0.0.1:33418/", "https://vscode.dev/redirect"],
      },
    ],
  ])("registers %s: a public client, found by its new id", async (_, metadata) => {
    const response = await register({
      ...metadata,
      grant_types: ["authorization_code", "refresh_token"],
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      client_id: expect.stringMatching(/^mcl_[a-z2-7]{26}$/),
      client_id_issued_at: Math.floor(platform.services.now() / 1000),
      client_name: metadata.client_name,
      redirect_uris: metadata.redirect_uris,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    });
    const client = await found(body.client_id as string);
    expect(client).toEqual({
      clientId: body.client_id,
      kind: "registered",
      name: metadata.client_name,
      redirectUris: metadata.redirect_uris,
      tokenEndpointAuthMethod: "none",
    });
    const { clients } = platform.services;
    for (const uri of metadata.redirect_uris)
      expect(clients.redirectAllowed(client, uri)).toBe(true);
    expect(await clients.authenticate(client, undefined)).toBe(true);
  });

  it("lets VS Code come back on another loopback port, and nobody elsewhere", async () => {
    const response = await register({
      redirect_uris: ["http://127.0.0.1:33418/", "https://vscode.dev/redirect"],
    });
    const client = await found(((await response.json()) as { client_id: string }).client_id);
    const { clients } = platform.services;
    expect(clients.redirectAllowed(client, "http://127.0.0.1:52001/")).toBe(true);
    expect(clients.redirectAllowed(client, "http://127.0.0.1:52001/other")).toBe(false);
    expect(clients.redirectAllowed(client, "https://vscode.dev/redirect?x=1")).toBe(false);
    expect(clients.redirectAllowed(client, "https://evil.example/redirect")).toBe(false);
    // No name given: one that says where its codes go.
    expect(client.name).toBe("Unnamed app (127.0.0.1:33418)");
  });

  it("gives a confidential client its secret once, and keeps only its SHA-256", async () => {
    const response = await register({
      client_name: "Server-side app",
      redirect_uris: ["https://app.example/callback"],
      token_endpoint_auth_method: "client_secret_basic",
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { client_id: string; client_secret: string };
    expect(body).toMatchObject({
      client_secret: expect.stringMatching(/^mcs_[\w-]{43}$/),
      client_secret_expires_at: 0,
      token_endpoint_auth_method: "client_secret_basic",
    });
    const [row] = await platform.database.db
      .select()
      .from(mcpClients)
      .where(eq(mcpClients.clientId, body.client_id));
    expect(row?.secretHash).toBe(createHash("sha256").update(body.client_secret).digest("hex"));
    expect(await findPlaintext(platform.database.db, [body.client_secret])).toEqual([]);

    const client = await found(body.client_id);
    const { clients } = platform.services;
    expect(await clients.authenticate(client, body.client_secret)).toBe(true);
    expect(await clients.authenticate(client, `${body.client_secret.slice(0, -1)}x`)).toBe(false);
    expect(await clients.authenticate(client, "")).toBe(false);
    expect(await clients.authenticate(client, undefined)).toBe(false);
    // Its secret proves nothing for another client, nor for a copy of it claiming to be public.
    expect(
      await clients.authenticate({ ...client, clientId: "mcl_other" }, body.client_secret),
    ).toBe(false);
    expect(
      await clients.authenticate(
        { ...client, tokenEndpointAuthMethod: "none" },
        body.client_secret,
      ),
    ).toBe(false);
    // A secret's hash is never sent back.
    expect(JSON.stringify(client)).not.toContain(row?.secretHash ?? "no hash");
  });

  it.each([
    [{ client_name: "x" }, "invalid_redirect_uri", "redirect_uris: must be an array of URIs"],
    [
      { redirect_uris: ["javascript:alert(document.cookie)"] },
      "invalid_redirect_uri",
      "redirect_uris.0: must not use the javascript: scheme",
    ],
    [
      { redirect_uris: ["https://claude.ai/cb#frag"] },
      "invalid_redirect_uri",
      "redirect_uris.0: must not have a fragment (#)",
    ],
    [
      { redirect_uris: ["http://claude.ai/cb"] },
      "invalid_redirect_uri",
      "redirect_uris.0: http: is only allowed to a loopback host (127.0.0.1, [::1] or localhost); use https:",
    ],
    [
      { redirect_uris: Array(11).fill(CLAUDE) },
      "invalid_redirect_uri",
      "redirect_uris: must list at most 10 redirect URIs",
    ],
    [
      { redirect_uris: [CLAUDE], client_uri: "http://claude.ai" },
      "invalid_client_metadata",
      "client_uri: must be an https:// URL",
    ],
    [
      { redirect_uris: [CLAUDE], grant_types: ["client_credentials"] },
      "invalid_client_metadata",
      "grant_types.0: only authorization_code and refresh_token are supported",
    ],
    [
      { redirect_uris: [CLAUDE], response_types: ["token"] },
      "invalid_client_metadata",
      "response_types.0: only code is supported",
    ],
    [
      { redirect_uris: [CLAUDE], token_endpoint_auth_method: "private_key_jwt" },
      "invalid_client_metadata",
      "token_endpoint_auth_method: private_key_jwt is not supported: use none, client_secret_basic or client_secret_post",
    ],
    [
      { redirect_uris: [CLAUDE], client_name: "n".repeat(101) },
      "invalid_client_metadata",
      "client_name: must be at most 100 characters",
    ],
    [
      { redirect_uris: [CLAUDE], client_name: "bad\u0000name" },
      "invalid_client_metadata",
      "client_name: must not contain a NUL character",
    ],
    [[CLAUDE], "invalid_client_metadata", "body: must be a JSON object"],
  ])("refuses %j: 400 %s naming the field", async (body, error, description) => {
    const response = await register(body);
    expect(response.status).toBe(400);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.json()).toEqual({ error, error_description: description });
  });

  it("refuses what is not JSON, and a body past 16 KiB", async () => {
    const form = await register("redirect_uris=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(400);
    expect(await form.json()).toEqual({
      error: "invalid_client_metadata",
      error_description: "content-type: must be application/json",
    });
    const broken = await register("{ not json");
    expect(await broken.json()).toMatchObject({ error_description: "body: must be a JSON object" });
    const big = await register({
      redirect_uris: [CLAUDE],
      client_name: "Claude",
      padding: "x".repeat(17 * 1024),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      error: "invalid_client_metadata",
      error_description: "body: must be at most 16384 bytes",
    });
    const rows = await platform.database.db.select().from(mcpClients);
    expect(rows).toEqual([]);
  });

  it("answers a browser's preflight from any origin, without credentials", async () => {
    const response = await platform.call("OPTIONS", "/oauth/register", {
      headers: {
        origin: "https://inspector.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toBe("POST,OPTIONS");
    expect(response.headers.get("access-control-allow-headers")).toContain("content-type");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("throttles registrations per address, and says when to come back", async () => {
    for (let i = 0; i < 3; i++)
      expect((await register({ redirect_uris: [CLAUDE] })).status).toBe(201);
    const refused = await register({ redirect_uris: [CLAUDE] });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("600");
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
    expect(await refused.json()).toMatchObject({
      error: {
        code: "too_many_requests",
        message: expect.stringContaining("too many client registrations from your address"),
      },
    });
    // Invalid attempts count too: they cost the same work.
    expect((await register({}, {}, "198.51.100.9")).status).toBe(400);
    // Another address is its own count.
    expect((await register({ redirect_uris: [CLAUDE] }, {}, "198.51.100.9")).status).toBe(201);
    expect(await platform.database.db.select().from(mcpClients)).toHaveLength(4);
  });

  it("does not find what was never registered, or a registered id with a letter changed", async () => {
    const response = await register({ redirect_uris: [CLAUDE] });
    const { client_id } = (await response.json()) as { client_id: string };
    const changed = `${client_id.slice(0, -1)}${client_id.endsWith("a") ? "b" : "a"}`;
    for (const clientId of [changed, "", "x".repeat(101), "mcl_nope"]) {
      expect(await platform.services.clients.find(clientId)).toEqual({
        problem: "unknown_client",
        message: expect.stringMatching(/^client_id: no client .* is registered here/),
      });
    }
  });
});
