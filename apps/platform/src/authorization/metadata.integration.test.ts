import { testDriver } from "@gumstack/db/testing";
import { freePort } from "@gumstack/sdk/testing";
import {
  discoverOAuthServerInfo,
  extractWWWAuthenticateParams,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { checkResourceAllowed } from "@modelcontextprotocol/sdk/shared/auth-utils.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestPlatform, testPlatform } from "../testing/api-client.js";
import { seedServer } from "./testing/fixtures.js";

/** The RFC 9728 and RFC 8414 documents, and the discovery the SDK's own client makes with them. */
describe(`authorization metadata [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url });
    stop = await platform.listen();
    await seedServer(platform.database.db, "weather");
  });

  afterAll(async () => {
    await stop?.();
    await platform?.close();
  });

  const expectedServerMetadata = () => ({
    issuer: url,
    authorization_endpoint: `${url}/oauth/authorize`,
    token_endpoint: `${url}/oauth/token`,
    registration_endpoint: `${url}/oauth/register`,
    revocation_endpoint: `${url}/oauth/revoke`,
    scopes_supported: ["mcp"],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
    revocation_endpoint_auth_methods_supported: [
      "none",
      "client_secret_basic",
      "client_secret_post",
    ],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  });

  it("serves the authorization server's metadata at the RFC 8414 and the OpenID paths", async () => {
    for (const path of [
      "/.well-known/oauth-authorization-server",
      "/.well-known/openid-configuration",
    ]) {
      const response = await fetch(`${url}${path}`, { headers: { origin: "https://app.example" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(await response.json()).toEqual(expectedServerMetadata());
    }
  });

  it("serves each server's protected resource metadata, and 404 for a server that is not", async () => {
    const response = await fetch(`${url}/.well-known/oauth-protected-resource/mcp/weather`);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.json()).toEqual({
      resource: `${url}/mcp/weather`,
      authorization_servers: [url],
      scopes_supported: ["mcp"],
      bearer_methods_supported: ["header"],
      resource_name: "weather",
    });
    const missing = await fetch(`${url}/.well-known/oauth-protected-resource/mcp/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("answers the preflight of a browser client's discovery", async () => {
    const preflight = await fetch(`${url}/.well-known/oauth-protected-resource/mcp/weather`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "mcp-protocol-version",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "mcp-protocol-version",
    );
  });

  it("is found by the SDK's client, from the gateway's 401 to the authorization server", async () => {
    const serverUrl = new URL(`${url}/mcp/weather`);
    const refused = await fetch(serverUrl, { method: "POST" });
    expect(refused.status).toBe(401);
    const challenge = extractWWWAuthenticateParams(refused);
    expect(challenge.resourceMetadataUrl?.href).toBe(
      `${url}/.well-known/oauth-protected-resource/mcp/weather`,
    );
    expect(challenge.scope).toBe("mcp");
    const info = await discoverOAuthServerInfo(serverUrl, {
      ...(challenge.resourceMetadataUrl
        ? { resourceMetadataUrl: challenge.resourceMetadataUrl }
        : {}),
    });
    expect(info.authorizationServerUrl).toBe(url);
    expect(info.authorizationServerMetadata).toMatchObject({
      issuer: url,
      token_endpoint: `${url}/oauth/token`,
    });
    // The resource the SDK will ask tokens for is the one the token side binds them to.
    expect(info.resourceMetadata?.resource).toBe(`${url}/mcp/weather`);
    expect(
      checkResourceAllowed({
        requestedResource: serverUrl,
        configuredResource: info.resourceMetadata?.resource ?? "",
      }),
    ).toBe(true);
    // Without the challenge's hint too: its first guess is the path-suffixed well-known URL.
    const guessed = await discoverOAuthServerInfo(serverUrl);
    expect(guessed.resourceMetadata?.resource).toBe(`${url}/mcp/weather`);
  });
});
