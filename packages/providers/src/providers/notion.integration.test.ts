import { describe, expect, it } from "vitest";
import { basicOf, fastRetries, formOf, onProviderStub } from "../testing/provider-stub.js";
import { NotionProvider } from "./notion.js";

// Answers as Notion documents them: "Create a token", "Refresh a token", "Revoke token",
// "Retrieve your token's bot user". Tokens carry no expires_in.
const tokenAnswer = {
  access_token: "ntn_e202e8c90990",
  token_type: "bearer",
  refresh_token: "nrt_4e1f07b2",
  bot_id: "b3414d65-1224-5ty7-6ffr-cc9d8773d601",
  workspace_name: "Ada's Notion Workspace",
  workspace_icon: "https://website.domain/images/image.png",
  workspace_id: "j565j4d7x3-2882-61bs-564a-jj9d9ui-c36hxfr7x",
  owner: {
    type: "user",
    user: { object: "user", id: "e79a0b74", name: "Ada", person: { email: "ada@example.com" } },
  },
  duplicated_template_id: null,
  request_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
};
const legacyAnswer = {
  access_token: "secret_legacy",
  bot_id: "b1",
  owner: { workspace: true },
  workspace_name: "Old",
  workspace_id: "w1",
};
const botUser = {
  object: "user",
  id: "16d84278-ab0e-484c-9bdd-b35da3bd8905",
  name: "Gumstack",
  type: "bot",
  bot: {
    owner: { type: "user", user: { object: "user", id: "e79a0b74" } },
    workspace_name: "Ada's Notion Workspace",
  },
};
const invalidGrant = {
  error: "invalid_grant",
  error_description: "Token has been expired or revoked.",
};

const stub = onProviderStub((url) => {
  return new NotionProvider({
    clientId: "notion-cid",
    clientSecret: "notion-secret",
    urls: { api: url },
    ...fastRetries,
  });
});
const notion = stub.start;

describe("NotionProvider against Notion's documented answers", () => {
  it("asks for owner=user, without PKCE", async () => {
    const provider = await notion({});
    expect(provider.pkce).toBe(false);
    const url = provider.getUrl("https://gum.test/auth/callback", "st", { scopes: [] });
    expect(url.pathname).toBe("/v1/oauth/authorize");
    expect(url.searchParams.get("owner")).toBe("user");
    expect(url.searchParams.has("scope")).toBe(false);
  });

  it("exchanges a code with Basic auth; the token has no expiry, the refresh token rotates", async () => {
    const provider = await notion({ "POST /v1/oauth/token": { status: 200, body: tokenAnswer } });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {});
    expect(tokens).toMatchObject({ accessToken: "ntn_e202e8c90990", refreshToken: "nrt_4e1f07b2" });
    expect(tokens.expiresIn).toBeUndefined();
    expect(provider.defaultTokenLifetime).toBe(86_400);
    expect(basicOf(stub.calls("POST /v1/oauth/token")[0])).toBe("notion-cid:notion-secret");
  });

  it("takes a legacy answer without refresh token (a token that never expires)", async () => {
    const provider = await notion({ "POST /v1/oauth/token": { status: 200, body: legacyAnswer } });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {});
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.tokenType).toBe("bearer");
  });

  it("refreshes, and reads a spent refresh token as invalid_grant", async () => {
    const provider = await notion({
      "POST /v1/oauth/token": [
        { status: 200, body: tokenAnswer },
        { status: 400, body: invalidGrant },
      ],
    });
    expect((await provider.refresh("nrt_old")).refreshToken).toBe("nrt_4e1f07b2");
    expect(formOf(stub.calls("POST /v1/oauth/token")[0])).toEqual({
      grant_type: "refresh_token",
      refresh_token: "nrt_old",
    });
    await expect(provider.refresh("nrt_old")).rejects.toMatchObject({
      name: "OAuthError",
      code: "invalid_grant",
    });
  });

  it("names the connection by its workspace, sending Notion-Version", async () => {
    const provider = await notion({ "GET /v1/users/me": { status: 200, body: botUser } });
    expect(await provider.getNickname("ntn_x")).toBe("Ada's Notion Workspace");
    expect(stub.calls("GET /v1/users/me")[0]?.headers["notion-version"]).toBe("2022-06-28");
  });

  it("revokes with Basic auth and a JSON body", async () => {
    const provider = await notion({
      "POST /v1/oauth/revoke": { status: 200, body: { request_id: "3c90c3cc" } },
    });
    await provider.revoke("ntn_x");
    const request = stub.calls("POST /v1/oauth/revoke")[0];
    expect(basicOf(request)).toBe("notion-cid:notion-secret");
    expect(request?.headers["notion-version"]).toBe("2022-06-28");
    expect(JSON.parse(request?.body ?? "")).toEqual({ token: "ntn_x" });
  });
});
