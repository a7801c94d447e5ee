import { createCodeVerifier, OAuthError, ProviderUnavailableError } from "@gumstack/oauth";
import { startTestAuthServer, type TestAuthServer } from "@gumstack/oauth/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCatalogProvider } from "../create.js";
import { OidcProvider } from "./oidc.js";

// Nothing listens here: the test server's login stops at the redirect back to it.
const callback = "http://127.0.0.1:9/auth/callback";
let as: TestAuthServer;

beforeAll(async () => {
  as = await startTestAuthServer({
    redirectUris: [callback],
    accessTokenTtl: 600,
    accounts: { ada: { email: "ada@example.com" } },
  });
});
afterAll(() => as.close());

function fromEnv() {
  return createCatalogProvider("oidc", {
    env: {
      OIDC_ISSUER: as.issuer,
      OIDC_CLIENT_ID: as.clientId,
      OIDC_CLIENT_SECRET: as.clientSecret,
    },
  });
}

describe("the generic oidc provider against a real OpenID Provider (oidc-provider)", () => {
  it("discovers on first use, then connects, names, refreshes and revokes", async () => {
    const provider = fromEnv();
    expect(provider.name).toBe("oidc");
    const codeVerifier = createCodeVerifier();
    const url = await provider.getUrl(callback, "state-1", { codeVerifier, scopes: ["profile"] });
    expect(url.searchParams.get("scope")).toBe("profile openid");
    const redirect = await as.authorize(url.href, { account: "ada" });
    const code = redirect.searchParams.get("code");
    if (code === null) throw new Error(`no code in ${redirect.href}`);

    const tokens = await provider.exchange(code, callback, { codeVerifier });
    expect(tokens).toMatchObject({ tokenType: "Bearer", expiresIn: 600 });
    expect(await provider.getNickname(tokens.accessToken)).toBe("ada");

    const refreshed = await provider.refresh(tokens.refreshToken ?? "");
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);

    await provider.revoke?.(refreshed.accessToken);
    const error = await provider.getNickname(refreshed.accessToken).catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: "invalid_token", status: 401 });
  });

  it("refuses a code redeemed with another PKCE verifier", async () => {
    const provider = fromEnv();
    const url = await provider.getUrl(callback, "state-2", {
      codeVerifier: createCodeVerifier(),
      scopes: [],
    });
    const code =
      (await as.authorize(url.href, { account: "grace" })).searchParams.get("code") ?? "";
    await expect(
      provider.exchange(code, callback, { codeVerifier: createCodeVerifier() }),
    ).rejects.toMatchObject({
      code: "invalid_grant",
    });
  });

  it("tries discovery again after it failed", async () => {
    let calls = 0;
    const flaky: typeof fetch = (input, init) => {
      calls += 1;
      return calls === 1 ? Promise.reject(new TypeError("fetch failed")) : fetch(input, init);
    };
    const provider = new OidcProvider({
      issuer: as.issuer,
      clientId: as.clientId,
      clientSecret: as.clientSecret,
      attempts: 1,
      fetch: flaky,
    });
    await expect(provider.getUrl(callback, "s", { scopes: [] })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    const url = await provider.getUrl(callback, "s", { scopes: [] });
    expect(url.origin).toBe(as.issuer);
  });
});
