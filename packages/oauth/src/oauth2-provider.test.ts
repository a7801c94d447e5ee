import { describe, expect, it } from "vitest";
import { ProviderResponseError } from "./errors.js";
import { OAuth2Provider } from "./oauth2-provider.js";
import { codeChallengeS256 } from "./pkce.js";

const config = {
  clientId: "client-1",
  clientSecret: "secret-1",
  authorizationEndpoint: "https://as.example.test/authorize?tenant=t1",
  tokenEndpoint: "https://as.example.test/token",
};

describe("OAuth2Provider.getUrl", () => {
  it("builds a code-flow URL with PKCE S256", () => {
    const provider = new OAuth2Provider(config);
    const verifier = "v".repeat(43);
    const url = provider.getUrl("https://app.test/cb", "st", {
      codeVerifier: verifier,
      scopes: ["read", "write"],
    });
    expect(url.origin + url.pathname).toBe("https://as.example.test/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: "t1",
      response_type: "code",
      client_id: "client-1",
      redirect_uri: "https://app.test/cb",
      state: "st",
      scope: "read write",
      code_challenge: codeChallengeS256(verifier),
      code_challenge_method: "S256",
    });
  });

  it("joins scopes with the configured separator and falls back to default scopes", () => {
    const provider = new OAuth2Provider({
      ...config,
      scopeSeparator: ",",
      defaultScopes: ["a", "b"],
    });
    const url = provider.getUrl("https://app.test/cb", "st", { scopes: [] });
    expect(url.searchParams.get("scope")).toBe("a,b");
    expect(url.searchParams.has("code_challenge")).toBe(false);
  });

  it("adds extra parameters without letting them replace the flow's own", () => {
    const provider = new OAuth2Provider({
      ...config,
      extraAuthorizationParams: { access_type: "offline", response_type: "token" },
    });
    const url = provider.getUrl("https://app.test/cb", "st", { scopes: [] });
    expect(url.searchParams.get("access_type")).toBe("offline");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.has("scope")).toBe(false);
  });
});

describe("OAuth2Provider configuration", () => {
  it("defaults to name oauth2 with PKCE on", () => {
    const provider = new OAuth2Provider(config);
    expect(provider).toMatchObject({ name: "oauth2", pkce: true });
    expect(provider.defaultTokenLifetime).toBeUndefined();
  });

  it("has revoke only when a revocation endpoint is known", () => {
    expect(new OAuth2Provider(config).revoke).toBeUndefined();
    const revocable = new OAuth2Provider({
      ...config,
      revocationEndpoint: "https://as.test/revoke",
    });
    expect(revocable.revoke).toBeTypeOf("function");
  });

  it("cannot name an account without a userinfo endpoint", async () => {
    await expect(new OAuth2Provider(config).getNickname("at")).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });
});
