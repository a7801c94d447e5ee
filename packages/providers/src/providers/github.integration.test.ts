import { OAuthError, ProviderResponseError } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { basicOf, fastRetries, formOf, onProviderStub } from "../testing/provider-stub.js";
import { GitHubProvider } from "./github.js";

// Answers as GitHub documents them: "Authorizing OAuth apps", "Refreshing user access tokens",
// "Troubleshooting OAuth app access token request errors", REST "Get the authenticated user".
const TOKEN = "/login/oauth/access_token";
const tokenAnswer = {
  access_token: "gho_16C7e42F292c6912E7710c838347Ae178B4a",
  scope: "repo,gist",
  token_type: "bearer",
};
const expiringAnswer = {
  access_token: "ghu_16C7e42F292c6912E7710c838347Ae178B4a",
  expires_in: 28800,
  refresh_token: "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498",
  refresh_token_expires_in: 15811200,
  scope: "",
  token_type: "bearer",
};
const badCode = {
  error: "bad_verification_code",
  error_description: "The code passed is incorrect or expired.",
  error_uri:
    "/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code",
};
const badRefresh = {
  error: "bad_refresh_token",
  error_description: "The refresh token passed is incorrect or expired.",
  error_uri: "/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors",
};
const octocat = { login: "octocat", id: 1, name: "monalisa octocat", type: "User" };
const badCredentials = {
  message: "Bad credentials",
  documentation_url: "https://docs.github.com/rest",
};

const stub = onProviderStub((url) => {
  return new GitHubProvider({
    clientId: "Iv1.8a61f9b3a7aba766",
    clientSecret: "s3cret",
    urls: { web: url, api: url },
    ...fastRetries,
  });
});
const github = stub.start;

describe("GitHubProvider against GitHub's documented answers", () => {
  it("builds the authorization URL with space-separated scopes and PKCE", async () => {
    const provider = await github({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", {
      scopes: ["repo", "read:org"],
      codeVerifier: "v".repeat(43),
    });
    expect(url.pathname).toBe("/login/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: "Iv1.8a61f9b3a7aba766",
      redirect_uri: "https://gum.test/auth/callback",
      state: "st",
      scope: "repo read:org",
      code_challenge_method: "S256",
    });
  });

  it("exchanges a code, sending the client secret as a parameter, and reads comma scopes", async () => {
    const provider = await github({ [`POST ${TOKEN}`]: { status: 200, body: tokenAnswer } });
    const tokens = await provider.exchange("code-1", "https://gum.test/auth/callback", {});
    expect(tokens).toMatchObject({
      accessToken: tokenAnswer.access_token,
      scopes: ["repo", "gist"],
    });
    const request = stub.calls(`POST ${TOKEN}`)[0];
    expect(request?.headers.accept).toBe("application/json");
    expect(formOf(request)).toMatchObject({
      code: "code-1",
      client_id: "Iv1.8a61f9b3a7aba766",
      client_secret: "s3cret",
    });
  });

  it("reads the error GitHub answers with a 200 as an OAuthError, and does not retry it", async () => {
    const provider = await github({ [`POST ${TOKEN}`]: { status: 200, body: badCode } });
    const error = await provider
      .exchange("stale", "https://gum.test/auth/callback", {})
      .catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: "bad_verification_code", status: 200 });
    expect(stub.calls(`POST ${TOKEN}`)).toHaveLength(1);
  });

  it("refreshes a GitHub App token and keeps its expiry", async () => {
    const provider = await github({ [`POST ${TOKEN}`]: { status: 200, body: expiringAnswer } });
    const tokens = await provider.refresh("ghr_old");
    expect(tokens).toMatchObject({ expiresIn: 28800, refreshToken: expiringAnswer.refresh_token });
    expect(formOf(stub.calls(`POST ${TOKEN}`)[0])).toMatchObject({
      grant_type: "refresh_token",
      refresh_token: "ghr_old",
    });
  });

  it("reads a refused refresh (200 bad_refresh_token) as an OAuthError", async () => {
    const provider = await github({ [`POST ${TOKEN}`]: { status: 200, body: badRefresh } });
    await expect(provider.refresh("ghr_gone")).rejects.toMatchObject({
      name: "OAuthError",
      code: "bad_refresh_token",
    });
  });

  it("names the account by its login, with the headers GitHub's API requires", async () => {
    const provider = await github({ "GET /user": { status: 200, body: octocat } });
    expect(await provider.getNickname("gho_x")).toBe("octocat");
    const headers = stub.calls("GET /user")[0]?.headers;
    expect(headers).toMatchObject({
      authorization: "Bearer gho_x",
      "user-agent": "gumstack",
      "x-github-api-version": "2022-11-28",
    });
  });

  it("reports Bad credentials as a ProviderResponseError with the status", async () => {
    const provider = await github({ "GET /user": { status: 401, body: badCredentials } });
    const error = await provider.getNickname("gho_revoked").catch((e) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.status).toBe(401);
  });

  it("retries a 503 of the user API, then succeeds", async () => {
    const provider = await github({
      "GET /user": [
        { status: 503, body: {} },
        { status: 200, body: octocat },
      ],
    });
    expect(await provider.getNickname("gho_x")).toBe("octocat");
    expect(stub.calls("GET /user")).toHaveLength(2);
  });

  it("revokes by deleting the app's grant with the client credentials", async () => {
    const provider = await github({
      "DELETE /applications/Iv1.8a61f9b3a7aba766/grant": { status: 204 },
    });
    await provider.revoke("gho_x");
    const request = stub.calls("DELETE /applications/Iv1.8a61f9b3a7aba766/grant")[0];
    expect(basicOf(request)).toBe("Iv1.8a61f9b3a7aba766:s3cret");
    expect(JSON.parse(request?.body ?? "")).toEqual({ access_token: "gho_x" });
  });

  it("revokes a GitHub App grant from its refresh token, through a fresh access token", async () => {
    const provider = await github({
      [`POST ${TOKEN}`]: { status: 200, body: expiringAnswer },
      "DELETE /applications/Iv1.8a61f9b3a7aba766/grant": { status: 204 },
    });
    await provider.revoke("ghr_current");
    const request = stub.calls("DELETE /applications/Iv1.8a61f9b3a7aba766/grant")[0];
    expect(JSON.parse(request?.body ?? "")).toEqual({ access_token: expiringAnswer.access_token });
  });
});
