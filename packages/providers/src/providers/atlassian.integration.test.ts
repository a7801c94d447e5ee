import { OAuthError } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { fastRetries, formOf, onProviderStub } from "../testing/provider-stub.js";
import { AtlassianProvider } from "./atlassian.js";

// Answers as Atlassian documents them: "OAuth 2.0 (3LO) apps" (token, rotating refresh tokens,
// accessible-resources, /me). An unknown refresh token is a 403 with invalid_grant.
const SITES = "GET /oauth/token/accessible-resources";
const tokenAnswer = {
  access_token: "eyJraWQiOiJhdXRoLmF0bGFzc2lhbi5jb20",
  expires_in: 3600,
  scope: "read:jira-work offline_access read:me",
  refresh_token: "eyJraWQiOiJyZWZyZXNo",
  token_type: "Bearer",
};
const sites = [
  {
    id: "1324a887-45db-1bf4-1e99-ef0ff456d421",
    name: "Site name",
    url: "https://your-domain.atlassian.net",
    scopes: ["write:jira-work", "read:jira-user", "manage:jira-configuration"],
    avatarUrl: "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png",
  },
];
const me = {
  account_type: "atlassian",
  account_id: "112233aa-bb11-cc22-33dd-eeff00112233",
  email: "mia@example.com",
  name: "Mia Krystof",
  nickname: "mkrystof",
  account_status: "active",
};
const unknownRefresh = {
  error: "invalid_grant",
  error_description: "Unknown or invalid refresh token.",
};

const stub = onProviderStub((url) => {
  return new AtlassianProvider({
    clientId: "atl-cid",
    clientSecret: "atl-secret",
    urls: { auth: url, api: url },
    ...fastRetries,
  });
});
const atlassian = stub.start;

describe("AtlassianProvider against Atlassian's documented answers", () => {
  it("asks for the API audience, consent, read:me and offline_access", async () => {
    const provider = await atlassian({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", {
      scopes: ["read:jira-work"],
    });
    expect(url.pathname).toBe("/authorize");
    expect(url.searchParams.get("audience")).toBe("api.atlassian.com");
    expect(url.searchParams.get("prompt")).toBe("consent");
    expect(url.searchParams.get("scope")).toBe("read:jira-work read:me offline_access");
    expect(url.searchParams.has("code_challenge")).toBe(false);
  });

  it("exchanges a code and adds the sites and the first site's cloud id to raw", async () => {
    const provider = await atlassian({
      "POST /oauth/token": { status: 200, body: tokenAnswer },
      [SITES]: { status: 200, body: sites },
    });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {});
    expect(tokens.raw.cloud_id).toBe("1324a887-45db-1bf4-1e99-ef0ff456d421");
    // What tools get: the cloud id their API URLs need.
    expect(tokens.extras).toEqual({ cloud_id: sites[0]?.id, site_url: sites[0]?.url });
    expect(tokens.raw.sites).toEqual([
      { id: sites[0]?.id, name: "Site name", url: sites[0]?.url, scopes: sites[0]?.scopes },
    ]);
    expect(formOf(stub.calls("POST /oauth/token")[0])).toMatchObject({
      client_id: "atl-cid",
      client_secret: "atl-secret",
    });
    expect(stub.calls(SITES)[0]?.headers.authorization).toBe(`Bearer ${tokenAnswer.access_token}`);
  });

  it("keeps the tokens when the sites lookup fails after the code was spent", async () => {
    const provider = await atlassian({
      "POST /oauth/token": { status: 200, body: tokenAnswer },
      [SITES]: { status: 503, body: {} },
    });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {});
    expect(tokens.accessToken).toBe(tokenAnswer.access_token);
    expect(tokens.raw.cloud_id).toBeUndefined();
    expect(tokens.extras).toBeUndefined();
  });

  it("reads Atlassian's 403 for a rotated-away refresh token as invalid_grant", async () => {
    const provider = await atlassian({
      "POST /oauth/token": { status: 403, body: unknownRefresh },
    });
    const error = await provider.refresh("eyJold").catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: "invalid_grant", status: 403 });
  });

  it("names the account by its email from /me", async () => {
    const provider = await atlassian({ "GET /me": { status: 200, body: me } });
    expect(await provider.getNickname("eyJ")).toBe("mia@example.com");
  });

  it("has no revoke: Atlassian offers no revocation endpoint", async () => {
    const provider = await atlassian({});
    expect(provider.revoke).toBeUndefined();
  });
});
