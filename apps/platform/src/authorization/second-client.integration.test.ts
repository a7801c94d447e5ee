import { testDriver } from "@gumstack/db/testing";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consent, type EndToEnd, endToEnd, FORECAST, metadataSite } from "./testing/end-to-end.js";

/**
 * MCP authorization with a client that shares no code with ours or the SDK's: oauth4webapi
 * (panva), strict about RFC 9207 `iss`, PKCE, issuer and resource identifiers. From the gateway's
 * 401 to a tool call, a refresh and a revocation, with nothing but what the platform publishes:
 * if our answers bend a rule, this client refuses them.
 */

// oauth4webapi speaks only https unless told otherwise; these tests run on loopback http only.
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
const REDIRECT_URI = "http://127.0.0.1:45123/callback";
const PROTOCOL_VERSION = "2025-06-18";

type Discovered = { as: oauth.AuthorizationServer; resource: oauth.ResourceServer };

describe(`oauth4webapi as an MCP client [${testDriver}]`, () => {
  let e2e: EndToEnd;

  beforeAll(async () => {
    e2e = await endToEnd();
  });

  afterAll(async () => {
    await e2e?.close();
  });

  /** The gateway's 401 challenge, parsed by oauth4webapi from an unauthenticated call. */
  async function challengeOf(url: string): Promise<oauth.WWWAuthenticateChallenge[]> {
    // Its challenge parser is reached through protectedResourceRequest only, which always sends
    // a token: this fetch drops it, so the call is the unauthenticated one a client starts with.
    const unauthenticated = (
      target: string,
      {
        headers,
        body,
        method,
        redirect,
      }: oauth.CustomFetchOptions<string, oauth.ProtectedResourceRequestBody>,
    ) => {
      const { authorization: _, ...rest } = headers;
      // Only ever called with the JSON string protectedResourceCall sends.
      return fetch(target, { headers: rest, body: String(body), method, redirect });
    };
    const error = await protectedResourceCall("unused", url, initialize(1), undefined, {
      [oauth.customFetch]: unauthenticated,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = error as oauth.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    return challenge.cause;
  }

  /** Steps a client takes from the 401 alone: RFC 9728, then RFC 8414 or OpenID discovery. */
  async function discover(algorithm: "oauth2" | "oidc"): Promise<Discovered> {
    const [bearer, ...others] = await challengeOf(e2e.mcpUrl);
    expect(others).toEqual([]);
    expect(bearer?.scheme).toBe("bearer");
    expect(bearer?.parameters.error).toBeUndefined();
    const metadataUrl = bearer?.parameters.resource_metadata;
    if (metadataUrl === undefined) throw new Error("the challenge names no resource_metadata");
    // The document the challenge names is the one at RFC 9728 3.1's well-known path.
    const wellKnown = await oauth.resourceDiscoveryRequest(new URL(e2e.mcpUrl), INSECURE);
    expect(wellKnown.url).toBe(metadataUrl);
    const resource = await oauth.processResourceDiscoveryResponse(
      new URL(e2e.mcpUrl),
      await fetch(metadataUrl),
    );
    expect(resource.authorization_servers).toEqual([e2e.url]);
    const issuer = new URL(resource.authorization_servers?.[0] ?? "");
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm, ...INSECURE }),
    );
    return { as, resource };
  }

  it("finds the authorization server from the gateway's 401, at both well-known paths", async () => {
    const rfc8414 = await discover("oauth2");
    const openid = await discover("oidc");
    expect(openid.as).toEqual(rfc8414.as);
    expect(rfc8414.resource).toMatchObject({ resource: e2e.mcpUrl, scopes_supported: ["mcp"] });
    expect(rfc8414.as).toMatchObject({
      issuer: e2e.url,
      code_challenge_methods_supported: ["S256"],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it("a dynamically registered confidential client authorizes, calls, refreshes and revokes", async () => {
    const discovered = await discover("oauth2");
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(
        discovered.as,
        {
          client_name: "Second client (registered)",
          redirect_uris: [REDIRECT_URI],
          token_endpoint_auth_method: "client_secret_basic",
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
        },
        INSECURE,
      ),
    );
    expect(registered.token_endpoint_auth_method).toBe("client_secret_basic");
    const secret = registered.client_secret;
    if (typeof secret !== "string") throw new Error("a confidential client got no secret");
    await fullFlow(
      discovered,
      { client_id: registered.client_id },
      oauth.ClientSecretBasic(secret),
      "Second client (registered)",
    );
  });

  it("a client named by its metadata document's URL authorizes, calls, refreshes and revokes", async () => {
    const discovered = await discover("oidc");
    expect(discovered.as.client_id_metadata_document_supported).toBe(true);
    const site = await metadataSite((clientId) => ({
      client_id: clientId,
      client_name: "Second client (document)",
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }));
    try {
      await fullFlow(
        discovered,
        { client_id: site.clientId, token_endpoint_auth_method: "none" },
        oauth.None(),
        "Second client (document)",
      );
    } finally {
      await site.close();
    }
  });

  /** Code with PKCE and resource, tool calls, refresh, revocation: the same for any client. */
  async function fullFlow(
    { as }: Discovered,
    client: oauth.Client,
    auth: oauth.ClientAuth,
    clientName: string,
  ) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorizationUrl = new URL(as.authorization_endpoint ?? "");
    authorizationUrl.search = new URLSearchParams({
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      scope: "mcp",
      state,
      resource: e2e.mcpUrl,
    }).toString();
    const callback = await consent(e2e, authorizationUrl, [clientName]);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    // Checks `iss` (RFC 9207: the metadata promises it) and `state`.
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const resource = { additionalParameters: { resource: e2e.mcpUrl }, ...INSECURE };
    const first = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        auth,
        params,
        REDIRECT_URI,
        verifier,
        resource,
      ),
    );
    expect(first).toMatchObject({ token_type: "bearer", scope: "mcp" });
    expect(await forecastWith(first.access_token)).toBe(FORECAST);
    // A token is for the server it was issued for; the check comes before the server's lookup.
    expect(await refusal(first.access_token, `${e2e.url}/mcp/other`)).toMatchObject({
      status: 401,
      error: "invalid_token",
    });

    const refreshToken = first.refresh_token;
    if (refreshToken === undefined) throw new Error("no refresh token was issued");
    const second = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, resource),
    );
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(refreshToken);
    expect(second.access_token).not.toBe(first.access_token);
    expect(await forecastWith(second.access_token)).toBe(FORECAST);
    // Rotation leaves the earlier access token to its expiry; revocation below must end it.
    expect(await forecastWith(first.access_token)).toBe(FORECAST);

    const latest = second.refresh_token as string;
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth, latest, INSECURE),
    );
    for (const token of [first.access_token, second.access_token]) {
      expect(await refusal(token, e2e.mcpUrl)).toMatchObject({
        status: 401,
        error: "invalid_token",
      });
    }
    for (const token of [latest, refreshToken]) {
      const refused = await oauth
        .refreshTokenGrantRequest(as, client, auth, token, resource)
        .then((response) => oauth.processRefreshTokenResponse(as, client, response))
        .catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(oauth.ResponseBodyError);
      expect((refused as oauth.ResponseBodyError).error).toBe("invalid_grant");
    }
  }

  /** initialize, notifications/initialized, then tools/call forecast: the tool's text. */
  async function forecastWith(accessToken: string): Promise<string> {
    const opened = await protectedResourceCall(accessToken, e2e.mcpUrl, initialize(1));
    expect(opened.status).toBe(200);
    const session = opened.headers.get("mcp-session-id") ?? undefined;
    expect(resultOf(await messagesOf(opened), 1)).toHaveProperty("protocolVersion");
    const initialized = await protectedResourceCall(
      accessToken,
      e2e.mcpUrl,
      { jsonrpc: "2.0", method: "notifications/initialized" },
      session,
    );
    expect(initialized.status).toBe(202);
    await initialized.body?.cancel();
    const called = await protectedResourceCall(
      accessToken,
      e2e.mcpUrl,
      {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "forecast", arguments: { city: "Oslo" } },
      },
      session,
    );
    expect(called.status).toBe(200);
    const result = resultOf(await messagesOf(called), 2);
    const content = (result as { content?: unknown }).content;
    if (!Array.isArray(content)) throw new Error(`no content in ${JSON.stringify(result)}`);
    return content
      .map((item: unknown) =>
        typeof item === "object" && item !== null && "text" in item ? String(item.text) : "",
      )
      .join("\n");
  }

  /** The gateway's refusal of a token: its status and the challenge's error, as oauth4webapi reads them. */
  async function refusal(accessToken: string, url: string) {
    const error = await protectedResourceCall(accessToken, url, initialize(1)).catch(
      (caught: unknown) => caught,
    );
    if (!(error instanceof oauth.WWWAuthenticateChallengeError))
      throw new Error(`the token was not refused at ${url}`, { cause: error });
    await error.response.body?.cancel();
    return { status: error.status, error: error.cause[0]?.parameters.error };
  }
});

const initialize = (id: number) => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: "oauth4webapi-test", version: "1.0.0" },
  },
});

/** A Streamable HTTP POST with the token, by oauth4webapi (a 401's challenge rejects). */
function protectedResourceCall(
  accessToken: string,
  url: string,
  message: object,
  session?: string,
  options: oauth.ProtectedResourceRequestOptions = {},
): Promise<Response> {
  const headers = new Headers({
    accept: "application/json, text/event-stream",
    "content-type": "application/json",
    "mcp-protocol-version": PROTOCOL_VERSION,
  });
  if (session !== undefined) headers.set("mcp-session-id", session);
  return oauth.protectedResourceRequest(
    accessToken,
    "POST",
    new URL(url),
    headers,
    JSON.stringify(message),
    { ...INSECURE, ...options },
  );
}

/** The JSON-RPC messages of an answer, a JSON body or an SSE stream's `data:` lines. */
async function messagesOf(response: Response): Promise<unknown[]> {
  const text = await response.text();
  if ((response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    return text
      .split(/\r?\n/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => JSON.parse(line.slice("data:".length)) as unknown);
  }
  const body: unknown = JSON.parse(text);
  return Array.isArray(body) ? body : [body];
}

function resultOf(messages: unknown[], id: number): unknown {
  const answer = messages.find(
    (message): message is { id: unknown; result?: unknown; error?: unknown } =>
      typeof message === "object" && message !== null && "id" in message && message.id === id,
  );
  if (answer?.result === undefined)
    throw new Error(`no result for request ${id} in ${JSON.stringify(messages)}`);
  return answer.result;
}
