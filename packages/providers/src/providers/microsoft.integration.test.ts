import { OAuthError, ProviderResponseError } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { fastRetries, formOf, onProviderStub } from "../testing/provider-stub.js";
import { MicrosoftProvider } from "./microsoft.js";

// Answers as Microsoft documents them: "Microsoft identity platform and OAuth 2.0 authorization
// code flow" (token, refresh, errors) and Microsoft Graph "Get user" (/me).
const TENANT = "contoso.onmicrosoft.com";
const TOKEN = `POST /${TENANT}/oauth2/v2.0/token`;
const tokenAnswer = {
  token_type: "Bearer",
  scope: "openid profile User.Read",
  // Some Entra endpoints send these as strings.
  expires_in: "3599",
  ext_expires_in: "3599",
  access_token: "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik5HVEZ2ZEstZnl0aEV1Q",
  refresh_token: "AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4",
};
const expiredCode = {
  error: "invalid_grant",
  error_description:
    "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.",
  error_codes: [70008],
  timestamp: "2016-01-09 02:02:12Z",
  trace_id: "0000aaaa-11bb-cccc-dd22-eeeeee333333",
  correlation_id: "aaaa0000-bb11-2222-33cc-444444dddddd",
};
const me = {
  displayName: "Adele Vance",
  mail: "AdeleV@contoso.com",
  userPrincipalName: "AdeleV@contoso.com",
  id: "87d349ed",
};
const invalidToken = {
  error: { code: "InvalidAuthenticationToken", message: "Access token is empty." },
};

const stub = onProviderStub((url) => {
  return new MicrosoftProvider({
    clientId: "ms-cid",
    clientSecret: "ms-secret",
    tenant: TENANT,
    urls: { login: url, graph: url },
    ...fastRetries,
  });
});
const microsoft = stub.start;

describe("MicrosoftProvider against Microsoft's documented answers", () => {
  it("authorizes in the tenant, always asking for User.Read and offline_access", async () => {
    const provider = await microsoft({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", {
      scopes: ["Mail.Read"],
      codeVerifier: "v".repeat(43),
    });
    expect(url.pathname).toBe(`/${TENANT}/oauth2/v2.0/authorize`);
    expect(url.searchParams.get("scope")).toBe("Mail.Read User.Read offline_access");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  });

  it("reads expires_in sent as a string", async () => {
    const provider = await microsoft({ [TOKEN]: { status: 200, body: tokenAnswer } });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {
      codeVerifier: "ver",
    });
    expect(tokens).toMatchObject({ expiresIn: 3599, refreshToken: tokenAnswer.refresh_token });
    expect(formOf(stub.calls(TOKEN)[0])).toMatchObject({
      client_id: "ms-cid",
      client_secret: "ms-secret",
      code_verifier: "ver",
    });
  });

  it("reads an AADSTS70008 answer as invalid_grant", async () => {
    const provider = await microsoft({ [TOKEN]: { status: 400, body: expiredCode } });
    const error = await provider.refresh("AwAB").catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe("invalid_grant");
  });

  it("names the account by its mail from Graph /me", async () => {
    const provider = await microsoft({ "GET /v1.0/me": { status: 200, body: me } });
    expect(await provider.getNickname("eyJ")).toBe("AdeleV@contoso.com");
  });

  it("reports Graph's own error shape as a ProviderResponseError", async () => {
    const provider = await microsoft({ "GET /v1.0/me": { status: 401, body: invalidToken } });
    const error = await provider.getNickname("").catch((e) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.status).toBe(401);
  });

  it("has no revoke, and uses the common tenant by default", async () => {
    const provider = new MicrosoftProvider({ clientId: "c", clientSecret: "s" });
    expect(provider.revoke).toBeUndefined();
    const url = provider.getUrl("https://gum.test/auth/callback", "st", { scopes: [] });
    expect(
      url.href.startsWith("https://login.microsoftonline.com/common/oauth2/v2.0/authorize?"),
    ).toBe(true);
  });
});
