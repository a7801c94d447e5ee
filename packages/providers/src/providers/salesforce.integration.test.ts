import { OAuthError } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { fastRetries, formOf, onProviderStub } from "../testing/provider-stub.js";
import { SalesforceProvider } from "./salesforce.js";

// Answers as Salesforce documents them: "OAuth 2.0 Web Server Flow" (no expires_in; instance_url,
// issued_at in milliseconds), "UserInfo Endpoint", "Revoke OAuth Tokens".
const OAUTH = "/services/oauth2";
const tokenAnswer = {
  access_token: "00DB0000000TfcR!AQQAQFhoK8vTMg_rKA.esrJ2bCs.OOIjJgl.9Cx6O7KqjZmHMLOyVb",
  refresh_token:
    "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJo7Xr34yOQ7GCFUN5DnNPxzDIoGoWi4evqOl_lT1B9nE5dvsxU",
  signature: "d/SxeYBxH0GSVko0HMgcUxuZy0PA2cDDz1u7g7JtDHw=",
  scope: "refresh_token openid api",
  instance_url: "https://yourInstance.salesforce.com",
  id: "https://login.salesforce.com/id/00DB0000000TfcRMAS/005B0000005Bk90IAC",
  token_type: "Bearer",
  issued_at: "1558553873237",
};
const userinfo = {
  sub: "https://login.salesforce.com/id/00DB0000000TfcRMAS/005B0000005Bk90IAC",
  user_id: "005B0000005Bk90IAC",
  organization_id: "00DB0000000TfcRMAS",
  preferred_username: "admin@mycompany.com",
  nickname: "admin",
  name: "Admin User",
  email: "admin@mycompany.com",
};

const stub = onProviderStub((url) => {
  return new SalesforceProvider({
    clientId: "3MVG9",
    clientSecret: "sf-secret",
    urls: { login: url },
    ...fastRetries,
  });
});
const salesforce = stub.start;

describe("SalesforceProvider against Salesforce's documented answers", () => {
  it("always asks for refresh_token and openid", async () => {
    const provider = await salesforce({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", {
      scopes: ["api"],
      codeVerifier: "v".repeat(43),
    });
    expect(url.pathname).toBe(`${OAUTH}/authorize`);
    expect(url.searchParams.get("scope")).toBe("api refresh_token openid");
  });

  it("exchanges a code: no expires_in, so the provider's default lifetime applies", async () => {
    const provider = await salesforce({
      [`POST ${OAUTH}/token`]: { status: 200, body: tokenAnswer },
    });
    const tokens = await provider.exchange("aPrx", "https://gum.test/auth/callback", {
      codeVerifier: "ver",
    });
    expect(tokens.expiresIn).toBeUndefined();
    expect(provider.defaultTokenLifetime).toBe(900);
    expect(tokens.raw.instance_url).toBe("https://yourInstance.salesforce.com");
    expect(tokens.extras).toEqual({ instance_url: "https://yourInstance.salesforce.com" });
    expect(formOf(stub.calls(`POST ${OAUTH}/token`)[0])).toMatchObject({
      client_id: "3MVG9",
      client_secret: "sf-secret",
      code_verifier: "ver",
    });
  });

  it("reads an expired refresh token as invalid_grant", async () => {
    const provider = await salesforce({
      [`POST ${OAUTH}/token`]: {
        status: 400,
        body: { error: "invalid_grant", error_description: "expired access/refresh token" },
      },
    });
    const error = await provider.refresh("5Aep").catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.description).toBe("expired access/refresh token");
  });

  it("names the account by its username from userinfo", async () => {
    const provider = await salesforce({
      [`GET ${OAUTH}/userinfo`]: { status: 200, body: userinfo },
    });
    expect(await provider.getNickname("00DB")).toBe("admin@mycompany.com");
  });

  it("revokes at /services/oauth2/revoke", async () => {
    const provider = await salesforce({ [`POST ${OAUTH}/revoke`]: { status: 200 } });
    await provider.revoke?.("5Aep");
    expect(formOf(stub.calls(`POST ${OAUTH}/revoke`)[0])).toMatchObject({ token: "5Aep" });
  });
});
