import { OAuthError } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { fastRetries, formOf, onProviderStub } from "../testing/provider-stub.js";
import { GitLabProvider } from "./gitlab.js";

// Answers as GitLab documents them: "OAuth 2.0 identity provider API" (token, refresh, revoke)
// and REST "Get the current user". A self-managed GitLab may live under a path.
const tokenAnswer = {
  access_token: "de6780bc506a0446309bd9362820ba8aed28aa506c71eedbe1c5c4f9dd350e54",
  token_type: "Bearer",
  expires_in: 7200,
  refresh_token: "8257e65c97202ed1726cf9571600918f3bffb2544b26e00a61df9897668c33a1",
  scope: "read_user read_api",
  created_at: 1607635748,
};
const invalidGrant = {
  error: "invalid_grant",
  error_description:
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
};
const user = { id: 1, username: "john_smith", name: "John Smith", state: "active" };

const stub = onProviderStub((url) => {
  return new GitLabProvider({
    clientId: "gl-cid",
    clientSecret: "gl-secret",
    urls: { gitlab: `${url}/gitlab/` },
    ...fastRetries,
  });
});
const gitlab = stub.start;

describe("GitLabProvider against GitLab's documented answers", () => {
  it("authorizes under a self-managed base path, always asking for read_user", async () => {
    const provider = await gitlab({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", {
      scopes: ["api"],
      codeVerifier: "v".repeat(43),
    });
    expect(url.pathname).toBe("/gitlab/oauth/authorize");
    expect(url.searchParams.get("scope")).toBe("api read_user");
  });

  it("exchanges a code for a two-hour token and a refresh token", async () => {
    const provider = await gitlab({
      "POST /gitlab/oauth/token": { status: 200, body: tokenAnswer },
    });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {
      codeVerifier: "ver",
    });
    expect(tokens).toMatchObject({
      expiresIn: 7200,
      refreshToken: tokenAnswer.refresh_token,
      scopes: ["read_user", "read_api"],
    });
    expect(formOf(stub.calls("POST /gitlab/oauth/token")[0])).toMatchObject({
      client_id: "gl-cid",
      client_secret: "gl-secret",
    });
  });

  it("reads a refused refresh as invalid_grant", async () => {
    const provider = await gitlab({
      "POST /gitlab/oauth/token": { status: 400, body: invalidGrant },
    });
    await expect(provider.refresh("old")).rejects.toBeInstanceOf(OAuthError);
  });

  it("names the account by its username", async () => {
    const provider = await gitlab({ "GET /gitlab/api/v4/user": { status: 200, body: user } });
    expect(await provider.getNickname("glpat")).toBe("john_smith");
  });

  it("revokes with RFC 7009 and the client credentials", async () => {
    const provider = await gitlab({ "POST /gitlab/oauth/revoke": { status: 200, body: {} } });
    await provider.revoke?.(tokenAnswer.refresh_token);
    expect(formOf(stub.calls("POST /gitlab/oauth/revoke")[0])).toEqual({
      token: tokenAnswer.refresh_token,
      client_id: "gl-cid",
      client_secret: "gl-secret",
    });
  });
});
