import { randomBytes } from "node:crypto";
import { testDriver } from "@gumstack/db/testing";
import { textOf } from "@gumstack/sdk/testing";
import {
  auth,
  type OAuthClientProvider,
  UnauthorizedError,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type {
  OAuthClientInformationMixed,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver } from "../testing/api-client.js";
import { consent, type EndToEnd, endToEnd, FORECAST } from "./testing/end-to-end.js";

const REDIRECT_URI = "http://127.0.0.1:33418/callback";

/**
 * What an MCP client application keeps, as the SDK asks a provider to: its registration, its
 * tokens, the PKCE verifier and state of the flow in progress, and the URL it would open in the
 * person's browser.
 */
class ClientApp implements OAuthClientProvider {
  registration: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens[] = [];
  opened: URL[] = [];
  private verifier = "";
  private flowState = "";

  get redirectUrl() {
    return REDIRECT_URI;
  }
  get clientMetadata() {
    return {
      client_name: "SDK end-to-end",
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  state() {
    this.flowState = randomBytes(16).toString("base64url");
    return this.flowState;
  }
  get lastState() {
    return this.flowState;
  }
  clientInformation() {
    return this.registration;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.registration = information;
  }
  tokens() {
    return this.saved.at(-1);
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved.push(tokens);
  }
  redirectToAuthorization(url: URL) {
    this.opened.push(url);
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/**
 * The whole of MCP authorization with the SDK's own client (`client/auth.js`), headless, against
 * the platform: the gateway's 401 and its resource metadata, discovery, dynamic registration,
 * PKCE, the consent page (a signed-in person presses Allow), the code exchange, a tool call on a
 * really deployed server, a refresh, and a revocation after which the client must authorize
 * again. (Client ID Metadata Documents: the SDK takes only an https document URL, which loopback
 * cannot serve with a certificate the platform trusts; second-client.integration.test.ts covers
 * them with another client, and clients/metadata-documents tests the fetching.)
 */
describe(`MCP authorization with the SDK's client, end to end [${testDriver}]`, () => {
  let e2e: EndToEnd;
  const app = new ClientApp();
  const clients: Client[] = [];

  beforeAll(async () => {
    e2e = await endToEnd();
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) await client.close();
    await e2e?.close();
  });

  async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const transport = new StreamableHTTPClientTransport(new URL(e2e.mcpUrl), {
      authProvider: app,
    });
    const client = new Client({ name: "sdk-e2e", version: "1.0.0" });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }

  it("registers, sends the person to the consent page, exchanges the code and calls a tool", async () => {
    // No token yet: the gateway's 401 leads the SDK to the metadata, a registration, and the
    // authorization URL it would open in a browser.
    const transport = new StreamableHTTPClientTransport(new URL(e2e.mcpUrl), {
      authProvider: app,
    });
    await expect(
      new Client({ name: "sdk-e2e", version: "1.0.0" }).connect(transport),
    ).rejects.toThrow(UnauthorizedError);
    expect(app.registration?.client_id).toMatch(/^mcl_/);
    const [authorizationUrl] = app.opened;
    expect(authorizationUrl?.origin).toBe(e2e.url);
    expect(authorizationUrl?.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizationUrl?.searchParams.get("resource")).toBe(e2e.mcpUrl);

    const back = await consent(e2e, authorizationUrl as URL, [
      "SDK end-to-end",
      "example-none",
      "Unverified",
    ]);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(back.searchParams.get("state")).toBe(app.lastState);
    expect(back.searchParams.get("iss")).toBe(e2e.url);
    await transport.finishAuth(back.searchParams.get("code") as string);
    expect(app.tokens()).toMatchObject({ token_type: "Bearer", scope: "mcp" });
    expect(app.tokens()?.access_token).toMatch(/^gsa_/);

    const { client } = await connect();
    expect(textOf(await client.callTool({ name: "forecast", arguments: { city: "Oslo" } }))).toBe(
      FORECAST,
    );
  });

  it("lists the client among the person's connected apps", async () => {
    const listed = await callOver(e2e.url, e2e.person, "GET", "/api/connected-apps");
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).toContain("SDK end-to-end");
  });

  it("refreshes: a new pair, and the new access token serves", async () => {
    const before = app.tokens() as OAuthTokens;
    expect(await auth(app, { serverUrl: e2e.mcpUrl })).toBe("AUTHORIZED");
    const after = app.tokens() as OAuthTokens;
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    const { client } = await connect();
    expect(textOf(await client.callTool({ name: "forecast", arguments: { city: "Oslo" } }))).toBe(
      FORECAST,
    );
  });

  it("after the refresh token is revoked, the client must go back to the person", async () => {
    const tokens = app.tokens() as OAuthTokens;
    const revoked = await fetch(`${e2e.url}/oauth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        token: tokens.refresh_token as string,
        token_type_hint: "refresh_token",
        client_id: app.registration?.client_id as string,
      }),
    });
    expect(revoked.status).toBe(200);
    // The family's access token went with it, and the refresh token no longer refreshes.
    const call = await fetch(e2e.mcpUrl, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(call.status).toBe(401);
    expect(call.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const opened = app.opened.length;
    await expect(connect()).rejects.toThrow(UnauthorizedError);
    expect(app.opened.length).toBe(opened + 1);
  });
});
