import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OAuthError, ProviderResponseError } from "./errors.js";
import { OAuth2Provider } from "./oauth2-provider.js";
import { createCodeVerifier } from "./pkce.js";
import { startTestAuthServer, type TestAuthServer } from "./testing/index.js";

// Nothing listens here: the test server's login stops at the redirect back to it.
const callback = "http://127.0.0.1:9/callback";
let as: TestAuthServer;

beforeAll(async () => {
  as = await startTestAuthServer({
    redirectUris: [callback],
    accessTokenTtl: 600,
    accounts: { ada: { name: "Ada Lovelace" } },
  });
});
afterAll(() => as.close());

function discover(): Promise<OAuth2Provider> {
  return OAuth2Provider.discover(as.issuer, {
    clientId: as.clientId,
    clientSecret: as.clientSecret,
  });
}

/** Runs the browser part of the flow; returns the code and the verifier that goes with it. */
async function authorize(provider: OAuth2Provider, account: string) {
  const codeVerifier = createCodeVerifier();
  const url = provider.getUrl(callback, `state-${account}`, {
    codeVerifier,
    scopes: ["openid", "profile"],
  });
  const redirect = await as.authorize(url.href, { account });
  expect(redirect.searchParams.get("state")).toBe(`state-${account}`);
  const code = redirect.searchParams.get("code");
  if (code === null) throw new Error(`no code in ${redirect.href}`);
  return { code, codeVerifier };
}

describe("OAuth2Provider against a real OpenID Provider", () => {
  it("discovers, authorizes, exchanges, names, refreshes, and fails once revoked", async () => {
    const provider = await discover();
    expect(provider.name).toBe("oidc");
    expect(provider.revoke).toBeTypeOf("function");
    const before = as.counts();

    const { code, codeVerifier } = await authorize(provider, "ada");
    const tokens = await provider.exchange(code, callback, { codeVerifier });
    expect(tokens).toMatchObject({ tokenType: "Bearer", expiresIn: 600 });
    expect(tokens.scopes).toEqual(expect.arrayContaining(["openid", "profile"]));
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(await provider.getNickname(tokens.accessToken)).toBe("ada");

    const refreshed = await provider.refresh(tokens.refreshToken ?? "");
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(as.counts()).toEqual({
      authorizationCode: before.authorizationCode + 1,
      refreshToken: before.refreshToken + 1,
    });

    await as.revokeGrants("ada");
    const error = await provider.refresh(refreshed.refreshToken ?? "").catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: "invalid_grant", status: 400 });
  });

  it("refuses the code with the wrong PKCE verifier", async () => {
    const provider = await discover();
    const { code } = await authorize(provider, "grace");
    const error = await provider
      .exchange(code, callback, { codeVerifier: createCodeVerifier() })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe("invalid_grant");
  });

  it("revokes an access token (RFC 7009)", async () => {
    const provider = await discover();
    const { code, codeVerifier } = await authorize(provider, "linus");
    const tokens = await provider.exchange(code, callback, { codeVerifier });
    await provider.revoke?.(tokens.accessToken);
    const error = await provider.getNickname(tokens.accessToken).catch((e) => e);
    expect(error).toMatchObject({ name: "OAuthError", code: "invalid_token", status: 401 });
  });

  it("rejects a discovery document that names another issuer", async () => {
    const error = await OAuth2Provider.discover(`${as.issuer}/`, { clientId: as.clientId }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toContain(`names "${as.issuer}"`);
  });
});
