import { OAuthError } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { fastRetries, formOf, onProviderStub } from "../testing/provider-stub.js";
import { GoogleProvider } from "./google.js";

// Answers as Google documents them: "Using OAuth 2.0 for Web Server Applications" (token,
// refresh, revoke) and the OpenID Connect userinfo endpoint.
const DRIVE = "https://www.googleapis.com/auth/drive.metadata.readonly";
const tokenAnswer = {
  access_token: "1/fFAGRNJru1FTz70BzhT3Zg",
  expires_in: 3920,
  token_type: "Bearer",
  scope: `${DRIVE} openid https://www.googleapis.com/auth/userinfo.email`,
  refresh_token: "1//xEoDL4iW3cxlI7yDbSRFYNG01kVKM2C-259HOF2aQbI",
};
const refreshAnswer = {
  access_token: "1/fFBGRNJru1FQd44AzqT3Zg",
  expires_in: 3920,
  scope: DRIVE,
  token_type: "Bearer",
};
const expired = { error: "invalid_grant", error_description: "Token has been expired or revoked." };
const userinfo = {
  sub: "110169484474386276334",
  email: "ada@example.com",
  email_verified: true,
  name: "Ada",
};

const stub = onProviderStub((url) => {
  const urls = { accounts: url, oauth2: url, openid: url };
  return new GoogleProvider({
    clientId: "cid.apps.googleusercontent.com",
    clientSecret: "GOCSPX-s",
    urls,
    ...fastRetries,
  });
});
const google = stub.start;

describe("GoogleProvider against Google's documented answers", () => {
  it("asks for offline access and consent, and always for openid email", async () => {
    const provider = await google({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", { scopes: [DRIVE] });
    expect(url.pathname).toBe("/o/oauth2/v2/auth");
    expect(url.searchParams.get("access_type")).toBe("offline");
    expect(url.searchParams.get("prompt")).toBe("consent");
    expect(url.searchParams.get("scope")).toBe(`${DRIVE} openid email`);
  });

  it("exchanges a code for an access and a refresh token", async () => {
    const provider = await google({ "POST /token": { status: 200, body: tokenAnswer } });
    const tokens = await provider.exchange("4/P7q7W91", "https://gum.test/auth/callback", {
      codeVerifier: "ver",
    });
    expect(tokens).toMatchObject({ refreshToken: tokenAnswer.refresh_token, expiresIn: 3920 });
    expect(formOf(stub.calls("POST /token")[0])).toMatchObject({
      grant_type: "authorization_code",
      code_verifier: "ver",
      client_secret: "GOCSPX-s",
    });
  });

  it("refreshes without a new refresh token (the old one stays valid)", async () => {
    const provider = await google({ "POST /token": { status: 200, body: refreshAnswer } });
    const tokens = await provider.refresh("1//old");
    expect(tokens.accessToken).toBe(refreshAnswer.access_token);
    expect(tokens.refreshToken).toBeUndefined();
  });

  it("reads an expired or revoked grant as invalid_grant", async () => {
    const provider = await google({ "POST /token": { status: 400, body: expired } });
    const error = await provider.refresh("1//gone").catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: "invalid_grant", status: 400 });
  });

  it("names the account by its email", async () => {
    const provider = await google({ "GET /v1/userinfo": { status: 200, body: userinfo } });
    expect(await provider.getNickname("ya29.x")).toBe("ada@example.com");
  });

  it("revokes at /revoke, and reports a token Google no longer knows", async () => {
    const provider = await google({
      "POST /revoke": [
        { status: 200, body: {} },
        {
          status: 400,
          body: { error: "invalid_token", error_description: "Token expired or revoked" },
        },
      ],
    });
    await provider.revoke?.("1//rt");
    expect(formOf(stub.calls("POST /revoke")[0])).toMatchObject({ token: "1//rt" });
    await expect(provider.revoke?.("1//rt")).rejects.toMatchObject({ code: "invalid_token" });
  });
});
