import { OAuthError, ProviderResponseError } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { fastRetries, formOf, onProviderStub } from "../testing/provider-stub.js";
import { LinearProvider } from "./linear.js";

// Answers as Linear documents them ("OAuth 2.0 authentication", GraphQL API). Its token answer
// gives `scope` as an array.
const tokenAnswer = {
  access_token: "lin_oauth_00a21d8b0c4e2375114e49c067dfb81eb0d2076f48354714cd5df984d87b67cc",
  token_type: "Bearer",
  expires_in: 86399,
  scope: ["read", "write"],
  refresh_token: "lin_refresh_8a71e8b1",
};
const viewer = {
  data: { viewer: { id: "2f1d7ae3", name: "Ada Lovelace", email: "ada@example.com" } },
};
const notAuthenticated = {
  errors: [
    {
      message: "Authentication required, not authenticated",
      extensions: { code: "AUTHENTICATION_ERROR" },
    },
  ],
};

const stub = onProviderStub((url) => {
  return new LinearProvider({
    clientId: "lin-cid",
    clientSecret: "lin-secret",
    urls: { web: url, api: url },
    ...fastRetries,
  });
});
const linear = stub.start;

describe("LinearProvider against Linear's documented answers", () => {
  it("asks for comma-separated scopes at linear.app/oauth/authorize", async () => {
    const provider = await linear({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", {
      scopes: ["read", "issues:create"],
      codeVerifier: "v".repeat(43),
    });
    expect(url.pathname).toBe("/oauth/authorize");
    expect(url.searchParams.get("scope")).toBe("read,issues:create");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  });

  it("exchanges a code with the client credentials in the form, reading scope as an array", async () => {
    const provider = await linear({ "POST /oauth/token": { status: 200, body: tokenAnswer } });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {});
    expect(tokens).toMatchObject({
      scopes: ["read", "write"],
      expiresIn: 86399,
      refreshToken: "lin_refresh_8a71e8b1",
    });
    expect(formOf(stub.calls("POST /oauth/token")[0])).toMatchObject({
      client_id: "lin-cid",
      client_secret: "lin-secret",
    });
  });

  it("reads a refused refresh as invalid_grant", async () => {
    const provider = await linear({
      "POST /oauth/token": {
        status: 400,
        body: { error: "invalid_grant", error_description: "Refresh token is invalid" },
      },
    });
    const error = await provider.refresh("lin_refresh_gone").catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe("invalid_grant");
  });

  it("names the account from the GraphQL viewer query", async () => {
    const provider = await linear({ "POST /graphql": { status: 200, body: viewer } });
    expect(await provider.getNickname("lin_oauth_x")).toBe("ada@example.com");
    const request = stub.calls("POST /graphql")[0];
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "").query).toContain("viewer");
  });

  it("reports a GraphQL authentication error as a ProviderResponseError", async () => {
    const provider = await linear({ "POST /graphql": { status: 400, body: notAuthenticated } });
    await expect(provider.getNickname("lin_oauth_bad")).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });

  it("revokes at /oauth/revoke with the token and the client credentials", async () => {
    const provider = await linear({ "POST /oauth/revoke": { status: 200 } });
    await provider.revoke?.("lin_refresh_8a71e8b1");
    expect(formOf(stub.calls("POST /oauth/revoke")[0])).toEqual({
      token: "lin_refresh_8a71e8b1",
      client_id: "lin-cid",
      client_secret: "lin-secret",
    });
  });
});
