import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { OAuthError, ProviderResponseError } from "./errors.js";
import type { RegisteredClient } from "./mcp/registration.js";
import { createMcpServerProvider } from "./mcp-server-provider.js";
import { createCodeVerifier } from "./pkce.js";
import {
  memoryRegistrations,
  type RecordedRequest,
  type ScriptedServer,
  sendJson,
  startScriptedServer,
} from "./testing/index.js";

const callbackUrl = "http://127.0.0.1:9/auth/callback";
const SECRET = "s3cret-value-never-shown";
const servers: ScriptedServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

type Route = (request: RecordedRequest, response: ServerResponse) => void;

/** A loopback server answering by path; a path without a route gets a 404. */
async function serve(routes: (url: string) => Record<string, Route>): Promise<ScriptedServer> {
  let table: Record<string, Route> = {};
  const server = await startScriptedServer((request, response) => {
    const route = table[new URL(request.path, "http://x").pathname];
    if (route === undefined) sendJson(response, 404, { error: "not_found" });
    else route(request, response);
  });
  table = routes(server.url);
  servers.push(server);
  return server;
}

/** An MCP server at /mcp whose metadata names `issuer`; `challenge: false` leaves it unnamed. */
function mcpRoutes(issuer: string, options: { challenge?: boolean; resource?: string } = {}) {
  return (url: string): Record<string, Route> => ({
    "/mcp": (_request, response) => {
      const challenge =
        options.challenge === false ? "Bearer" : `Bearer resource_metadata="${url}/prm"`;
      response.writeHead(401, { "www-authenticate": challenge }).end();
    },
    [options.challenge === false ? "/.well-known/oauth-protected-resource" : "/prm"]: (_, res) =>
      sendJson(res, 200, {
        resource: options.resource ?? `${url}/mcp`,
        authorization_servers: [issuer],
      }),
  });
}

function asMetadata(issuer: string, extra: Record<string, unknown> = {}) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/register`,
    code_challenge_methods_supported: ["S256"],
    ...extra,
  };
}

function provider(serverUrl: string, registrations = memoryRegistrations()) {
  return createMcpServerProvider({
    serverUrl,
    callbackUrl,
    clientName: "Gumstack",
    registrations,
    attempts: 1,
  });
}

const start = async (p: ReturnType<typeof provider>) =>
  p.getUrl(callbackUrl, "s", { codeVerifier: createCodeVerifier(), scopes: [] });

function storedClient(issuer: string): RegisteredClient {
  return {
    issuer,
    clientId: "client-1",
    clientSecret: SECRET,
    tokenEndpointAuthMethod: "client_secret_basic",
    redirectUri: callbackUrl,
  };
}

describe("createMcpServerProvider against scripted servers", () => {
  it("refuses an authorization server whose metadata names another issuer", async () => {
    const as = await serve(() => ({
      "/.well-known/oauth-authorization-server": (_, res) =>
        sendJson(res, 200, asMetadata("http://evil.example")),
    }));
    const mcp = await serve(mcpRoutes(as.url));
    const error = await start(provider(`${mcp.url}/mcp`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(String(error)).toContain(`names "http://evil.example", not "${as.url}"`);
  });

  it("refuses an authorization server without S256, listed or not", async () => {
    for (const methods of [["plain"], undefined]) {
      const as = await serve((url) => ({
        "/.well-known/openid-configuration": (_, res) =>
          sendJson(res, 200, asMetadata(url, { code_challenge_methods_supported: methods })),
      }));
      const mcp = await serve(mcpRoutes(as.url));
      const error = await start(provider(`${mcp.url}/mcp`)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderResponseError);
      expect(String(error)).toContain(`${as.url} does not support PKCE with S256`);
      expect(as.requests.map((r) => r.path)).toEqual([
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
      ]);
    }
  });

  it("tries the spec's metadata URIs in order, for an issuer with a path and for the resource", async () => {
    const as = await serve((url) => ({
      "/tenant1/.well-known/openid-configuration": (_, res) =>
        sendJson(res, 200, asMetadata(`${url}/tenant1`)),
      "/tenant1/register": (_, res) =>
        sendJson(res, 201, { client_id: "c", client_secret: SECRET }),
    }));
    const mcp = await serve(mcpRoutes(`${as.url}/tenant1`, { challenge: false }));
    const url = await start(provider(`${mcp.url}/mcp`));
    expect(url.origin + url.pathname).toBe(`${as.url}/tenant1/authorize`);
    expect(url.searchParams.get("resource")).toBe(`${mcp.url}/mcp`);
    expect(mcp.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /mcp",
      "GET /.well-known/oauth-protected-resource/mcp",
      "GET /.well-known/oauth-protected-resource",
    ]);
    expect(as.requests.map((r) => r.path)).toEqual([
      "/.well-known/oauth-authorization-server/tenant1",
      "/.well-known/openid-configuration/tenant1",
      "/tenant1/.well-known/openid-configuration",
      "/tenant1/register",
    ]);
  });

  it("refuses resource metadata for another resource", async () => {
    const mcp = await serve(mcpRoutes("http://127.0.0.1:9", { resource: "http://127.0.0.1:9/x" }));
    const error = await start(provider(`${mcp.url}/mcp`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(String(error)).toContain('names resource "http://127.0.0.1:9/x"');
  });

  it("registers a public client when the server takes only `none`", async () => {
    const as = await serve((url) => ({
      "/.well-known/oauth-authorization-server": (_, res) =>
        sendJson(res, 200, asMetadata(url, { token_endpoint_auth_methods_supported: ["none"] })),
      "/register": (_, res) =>
        sendJson(res, 201, { client_id: "public-1", token_endpoint_auth_method: "none" }),
    }));
    const mcp = await serve(mcpRoutes(as.url));
    const registrations = memoryRegistrations();
    const url = await start(provider(`${mcp.url}/mcp`, registrations));
    expect(url.searchParams.get("client_id")).toBe("public-1");
    const sent = JSON.parse(as.requests.at(-1)?.body ?? "{}");
    expect(sent).toEqual({
      redirect_uris: [callbackUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      client_name: "Gumstack",
    });
    expect(registrations.saved).toEqual([
      {
        issuer: as.url,
        clientId: "public-1",
        tokenEndpointAuthMethod: "none",
        redirectUri: callbackUrl,
      },
    ]);
  });

  it("discovers again when the token endpoint moved, and only then", async () => {
    let metadataReads = 0;
    const as = await serve((url) => ({
      "/.well-known/oauth-authorization-server": (_, res) => {
        metadataReads++;
        const token = metadataReads === 1 ? "/old-token" : "/token";
        sendJson(res, 200, asMetadata(url, { token_endpoint: `${url}${token}` }));
      },
      "/token": (request, res) =>
        new URLSearchParams(request.body).get("refresh_token") === "good"
          ? sendJson(res, 200, { access_token: "at", token_type: "Bearer", expires_in: 60 })
          : sendJson(res, 400, { error: "invalid_grant" }),
    }));
    const mcp = await serve(mcpRoutes(as.url));
    const p = provider(`${mcp.url}/mcp`, memoryRegistrations([storedClient(as.url)]));
    await expect(p.refresh("good")).resolves.toMatchObject({ accessToken: "at" });
    expect(metadataReads).toBe(2);
    const refresh = as.requests.find((r) => r.path === "/token");
    expect(new URLSearchParams(refresh?.body).get("resource")).toBe(`${mcp.url}/mcp`);
    // An answer from the endpoint itself is no reason to look again.
    await expect(p.refresh("bad")).rejects.toMatchObject({ code: "invalid_grant" });
    expect(metadataReads).toBe(2);
  });

  it("registers again when the server no longer knows the client, and ends its grants", async () => {
    const as = await serve((url) => ({
      "/.well-known/oauth-authorization-server": (_, res) => sendJson(res, 200, asMetadata(url)),
      "/token": (_, res) => sendJson(res, 401, { error: "invalid_client" }),
      "/register": (_, res) => sendJson(res, 201, { client_id: "client-2", client_secret: "new" }),
    }));
    const mcp = await serve(mcpRoutes(as.url));
    const registrations = memoryRegistrations([storedClient(as.url)]);
    const p = provider(`${mcp.url}/mcp`, registrations);

    const error = await p.refresh("rt").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: "invalid_grant", cause: { code: "invalid_client" } });
    expect(String(error)).not.toContain(SECRET);
    expect(registrations.saved.map((client) => client.clientId)).toEqual(["client-2"]);
    expect((await start(p)).searchParams.get("client_id")).toBe("client-2");
    expect(as.requests.filter((r) => r.path === "/register")).toHaveLength(1);
  });

  it("refuses a code whose authorization response names another issuer (RFC 9207)", async () => {
    const as = await serve((url) => ({
      "/.well-known/oauth-authorization-server": (_, res) => sendJson(res, 200, asMetadata(url)),
    }));
    const mcp = await serve(mcpRoutes(as.url));
    const p = provider(`${mcp.url}/mcp`, memoryRegistrations([storedClient(as.url)]));
    const error = await p
      .exchange("code", callbackUrl, { codeVerifier: createCodeVerifier(), issuer: "http://evil" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(String(error)).toContain('names issuer "http://evil"');
    expect(as.requests.some((r) => r.path === "/token")).toBe(false);
  });

  it("refuses bad options naming the field", () => {
    const registrations = memoryRegistrations();
    expect(() =>
      createMcpServerProvider({
        serverUrl: "mcp.example",
        callbackUrl,
        clientName: "G",
        registrations,
      }),
    ).toThrow(/serverUrl must be an absolute http\(s\) URL/);
    expect(() =>
      createMcpServerProvider({
        serverUrl: "https://mcp.example/mcp",
        callbackUrl: "nope",
        clientName: "G",
        registrations,
      }),
    ).toThrow(/callbackUrl must be a URL/);
  });
});
