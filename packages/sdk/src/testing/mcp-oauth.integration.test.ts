import {
  createCodeVerifier,
  createMcpServerProvider,
  ProviderResponseError,
  type TokenResponse,
} from "@gumstack/oauth";
import {
  type MemoryRegistrations,
  memoryRegistrations,
  startTestAuthServer,
  type TestAuthServer,
} from "@gumstack/oauth/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "./host-harness.js";
import { type OAuthGuardedServer, startOAuthGuardedServer } from "./oauth-guarded-server.js";

// Nothing listens here: the test server's login stops at the redirect back to it.
const callbackUrl = "http://127.0.0.1:9/auth/callback";
let as: TestAuthServer;
let guarded: OAuthGuardedServer;
let other: OAuthGuardedServer;

beforeAll(async () => {
  as = await startTestAuthServer({
    redirectUris: [callbackUrl],
    registration: true,
    resourceIndicators: true,
    scopes: ["mcp:tools"],
  });
  guarded = await startOAuthGuardedServer({
    issuer: as.issuer,
    challengeScopes: ["openid", "profile", "mcp:tools"],
  });
  other = await startOAuthGuardedServer({ issuer: as.issuer, scopesSupported: ["mcp:tools"] });
});
afterAll(async () => {
  await guarded?.stop();
  await other?.stop();
  await as?.close();
});

function providerFor(serverUrl: string, registrations: MemoryRegistrations) {
  return createMcpServerProvider({ serverUrl, callbackUrl, clientName: "Gumstack", registrations });
}

/** What the broker does around a provider: a verifier, the redirect, the exchange. */
async function connect(
  provider: ReturnType<typeof providerFor>,
  account: string,
): Promise<TokenResponse> {
  const codeVerifier = createCodeVerifier();
  const url = await provider.getUrl(callbackUrl, `state-${account}`, { codeVerifier, scopes: [] });
  const back = await as.authorize(url.href, { account });
  const code = back.searchParams.get("code");
  if (code === null) throw new Error(`no code: ${back.search}`);
  return provider.exchange(code, callbackUrl, {
    codeVerifier,
    issuer: back.searchParams.get("iss") ?? "",
  });
}

/** The SDK's own client calling `whoami` with a bearer token. */
async function whoami(serverUrl: string, accessToken: string): Promise<string> {
  const client = new Client({ name: "gumstack-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(serverUrl), {
      requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
    }),
  );
  try {
    return textOf(await client.callTool({ name: "whoami", arguments: {} }));
  } finally {
    await client.close();
  }
}

describe("an MCP server's own OAuth, through createMcpServerProvider", () => {
  it("discovers, registers, authorizes, exchanges, calls a tool, refreshes and calls again", async () => {
    const registrations = memoryRegistrations();
    const provider = providerFor(guarded.url, registrations);
    const before = { registrations: as.registrations(), requests: as.resourceRequests().length };

    const tokens = await connect(provider, "ada");
    expect(as.registrations()).toBe(before.registrations + 1);
    expect(registrations.saved).toHaveLength(1);
    expect(registrations.saved[0]).toMatchObject({
      issuer: as.issuer,
      redirectUri: callbackUrl,
      tokenEndpointAuthMethod: "client_secret_basic",
      clientSecret: expect.any(String),
    });
    // The resource rode on the token: the audience is this MCP server, the account Ada.
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ aud: guarded.url, sub: "ada" });
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(await provider.getNickname(tokens.accessToken)).toBe("ada");
    expect(await whoami(guarded.url, tokens.accessToken)).toBe("ada");

    const refreshed = await provider.refresh(tokens.refreshToken ?? "");
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(decodeJwt(refreshed.accessToken)).toMatchObject({ aud: guarded.url, sub: "ada" });
    expect(await whoami(guarded.url, refreshed.accessToken)).toBe("ada");

    // RFC 8707 on all three requests, as the authorization server saw them.
    expect(as.resourceRequests().slice(before.requests)).toEqual([
      { endpoint: "authorization", resource: guarded.url },
      { endpoint: "token", grantType: "authorization_code", resource: guarded.url },
      { endpoint: "token", grantType: "refresh_token", resource: guarded.url },
    ]);
  });

  it("asks for the challenge's scopes, else the metadata's scopes_supported", async () => {
    const first = providerFor(guarded.url, memoryRegistrations());
    const challenged = await first.getUrl(callbackUrl, "s", {
      codeVerifier: createCodeVerifier(),
      scopes: [],
    });
    expect(challenged.searchParams.get("scope")).toBe("openid profile mcp:tools");
    expect(challenged.searchParams.get("code_challenge_method")).toBe("S256");

    const second = providerFor(other.url, memoryRegistrations());
    const supported = await second.getUrl(callbackUrl, "s", {
      codeVerifier: createCodeVerifier(),
      scopes: [],
    });
    expect(supported.searchParams.get("scope")).toBe("mcp:tools");
    expect(supported.searchParams.get("resource")).toBe(other.url);
  });

  it("reuses the stored registration in a second provider: no second registration", async () => {
    const registrations = memoryRegistrations();
    await connect(providerFor(guarded.url, registrations), "grace");
    const count = as.registrations();

    const again = providerFor(guarded.url, registrations);
    const tokens = await connect(again, "linus");
    expect(as.registrations()).toBe(count);
    expect(registrations.saved).toHaveLength(1);
    expect(await whoami(guarded.url, tokens.accessToken)).toBe("linus");
    const refreshed = await again.refresh(tokens.refreshToken ?? "");
    expect(await whoami(guarded.url, refreshed.accessToken)).toBe("linus");
  });

  it("registers again when the stored client's secret has expired", async () => {
    const registrations = memoryRegistrations();
    await connect(providerFor(guarded.url, registrations), "ada");
    const [stored] = registrations.saved;
    if (stored === undefined) throw new Error("nothing was saved");
    const expired = memoryRegistrations([{ ...stored, expiresAt: new Date(1000) }]);
    const count = as.registrations();

    await connect(providerFor(guarded.url, expired), "ada");
    expect(as.registrations()).toBe(count + 1);
    expect(expired.saved[0]?.clientId).not.toBe(stored.clientId);
  });

  it("a token minted for another MCP server is refused by this one", async () => {
    const tokens = await connect(providerFor(other.url, memoryRegistrations()), "mallory");
    expect(await whoami(other.url, tokens.accessToken)).toBe("mallory");
    const refusals = guarded.refusals.length;
    const error = await whoami(guarded.url, tokens.accessToken).catch((e: unknown) => e);
    // The SDK's StreamableHTTPError carries the HTTP status as its code.
    expect(error).toMatchObject({ code: 401 });
    expect(guarded.refusals.slice(refusals)).toContain("aud");
  });

  it("refuses resource metadata that names another resource", async () => {
    const liar = await startOAuthGuardedServer({
      issuer: as.issuer,
      advertisedResource: other.url,
    });
    try {
      const provider = providerFor(liar.url, memoryRegistrations());
      const error = await provider
        .getUrl(callbackUrl, "s", { codeVerifier: createCodeVerifier(), scopes: [] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderResponseError);
      expect(String(error)).toContain(`names resource "${other.url}", not the server's URL`);
    } finally {
      await liar.stop();
    }
  });

  it("finds the metadata at the well-known URI when the 401 does not name it", async () => {
    const quiet = await startOAuthGuardedServer({
      issuer: as.issuer,
      advertiseMetadata: false,
      scopesSupported: ["mcp:tools"],
    });
    try {
      const provider = providerFor(quiet.url, memoryRegistrations());
      const tokens = await connect(provider, "ada");
      expect(await whoami(quiet.url, tokens.accessToken)).toBe("ada");
    } finally {
      await quiet.stop();
    }
  });
});
