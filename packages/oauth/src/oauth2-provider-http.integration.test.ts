import { afterEach, describe, expect, it } from "vitest";
import { OAuthError, ProviderResponseError, ProviderUnavailableError } from "./errors.js";
import { OAuth2Provider } from "./oauth2-provider.js";
import {
  type Responder,
  type ScriptedServer,
  sendJson,
  startScriptedServer,
} from "./testing/index.js";

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function providerOn(respond: Responder, extra: { clientAuth?: "post" } = {}) {
  server = await startScriptedServer(respond);
  return new OAuth2Provider({
    clientId: "cid",
    clientSecret: "csecret",
    authorizationEndpoint: `${server.url}/authorize`,
    tokenEndpoint: `${server.url}/token`,
    revocationEndpoint: `${server.url}/revoke`,
    userinfoEndpoint: `${server.url}/userinfo`,
    ...extra,
  });
}

const tokenBody = {
  access_token: "at",
  token_type: "Bearer",
  expires_in: "3599",
  refresh_token: "rt",
};

describe("OAuth2Provider over HTTP", () => {
  it("exchanges a code with Basic client authentication and a form body", async () => {
    const provider = await providerOn((_, res) => sendJson(res, 200, tokenBody));
    const tokens = await provider.exchange("the-code", "https://app.test/cb", {
      codeVerifier: "ver",
    });
    expect(tokens).toMatchObject({ accessToken: "at", refreshToken: "rt", expiresIn: 3599 });
    const request = server?.requests[0];
    expect(request?.method).toBe("POST");
    expect(request?.headers.authorization).toBe(`Basic ${btoa("cid:csecret")}`);
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: "authorization_code",
      code: "the-code",
      redirect_uri: "https://app.test/cb",
      code_verifier: "ver",
    });
  });

  it("sends the secret in the form with clientAuth post", async () => {
    const provider = await providerOn((_, res) => sendJson(res, 200, tokenBody), {
      clientAuth: "post",
    });
    await provider.refresh("rt-old");
    const form = new URLSearchParams(server?.requests[0]?.body);
    expect(server?.requests[0]?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(form)).toEqual({
      grant_type: "refresh_token",
      refresh_token: "rt-old",
      client_id: "cid",
      client_secret: "csecret",
    });
  });

  it("does not retry an exchange the server answered with 503", async () => {
    const provider = await providerOn((_, res) => sendJson(res, 503, {}));
    await expect(provider.exchange("c", "https://app.test/cb", {})).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(server?.requests).toHaveLength(1);
  });

  it("retries a refresh the server answered with 503", async () => {
    const provider = await providerOn((_, res, index) =>
      index === 0 ? sendJson(res, 503, {}) : sendJson(res, 200, tokenBody),
    );
    await expect(provider.refresh("rt")).resolves.toMatchObject({ accessToken: "at" });
    expect(server?.requests).toHaveLength(2);
  });

  it("reads a 200 that carries an OAuth error as that error", async () => {
    // GitHub answers a bad code with 200 and an error body.
    const provider = await providerOn((_, res) =>
      sendJson(res, 200, { error: "bad_verification_code", error_description: "expired" }),
    );
    const error = await provider.exchange("c", "https://app.test/cb", {}).catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: "bad_verification_code", status: 200 });
  });

  it("revokes with the token in the form and accepts an empty 200", async () => {
    const provider = await providerOn((_, res) => res.end());
    await provider.revoke?.("tok");
    expect(server?.requests[0]?.path).toBe("/revoke");
    expect(new URLSearchParams(server?.requests[0]?.body).get("token")).toBe("tok");
  });

  it("names the account from userinfo with the bearer token", async () => {
    const provider = await providerOn((_, res) => sendJson(res, 200, { id: 7, login: "octocat" }));
    expect(await provider.getNickname("at-7")).toBe("octocat");
    expect(server?.requests[0]?.headers.authorization).toBe("Bearer at-7");
  });

  it("fails when userinfo names no account", async () => {
    const provider = await providerOn((_, res) => sendJson(res, 200, { id: 7 }));
    await expect(provider.getNickname("at")).rejects.toBeInstanceOf(ProviderResponseError);
  });
});

describe("OAuth2Provider.discover", () => {
  async function documentServer(document: (issuer: string) => unknown) {
    server = await startScriptedServer((_, res) => sendJson(res, 200, document(server?.url ?? "")));
    return server.url;
  }

  it("fills endpoints and picks client_secret_post when that is all the server lists", async () => {
    const issuer = await documentServer((iss) => ({
      issuer: iss,
      authorization_endpoint: `${iss}/a`,
      token_endpoint: `${iss}/t`,
      token_endpoint_auth_methods_supported: ["client_secret_post"],
    }));
    const provider = await OAuth2Provider.discover(issuer, { clientId: "c", clientSecret: "s" });
    expect(provider.revoke).toBeUndefined();
    expect(provider.getUrl("https://app.test/cb", "s", { scopes: [] }).href).toMatch(
      `${issuer}/a?`,
    );
    expect(server?.requests[0]?.path).toBe("/.well-known/openid-configuration");
  });

  it.each([
    [
      "another issuer",
      (iss: string) => ({
        issuer: `${iss}/other`,
        authorization_endpoint: `${iss}/a`,
        token_endpoint: `${iss}/t`,
      }),
    ],
    ["no token endpoint", (iss: string) => ({ issuer: iss, authorization_endpoint: `${iss}/a` })],
    [
      "a malformed endpoint",
      (iss: string) => ({ issuer: iss, authorization_endpoint: "a", token_endpoint: `${iss}/t` }),
    ],
    ["a non-object", () => ["not", "a", "document"]],
  ])("rejects a document with %s", async (_, document) => {
    const issuer = await documentServer(document);
    await expect(OAuth2Provider.discover(issuer, { clientId: "c" })).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });
});
