import { OAuthError } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { basicOf, fastRetries, onProviderStub } from "../testing/provider-stub.js";
import { SlackProvider } from "./slack.js";

// Answers as Slack documents them: oauth.v2.access (install, token rotation), auth.test,
// auth.revoke. Web API errors are HTTP 200 with `ok: false`.
const ACCESS = "POST /api/oauth.v2.access";
const install = {
  ok: true,
  access_token: "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
  token_type: "bot",
  scope: "commands,incoming-webhook",
  bot_user_id: "U0KRQLJ9H",
  app_id: "A0KRD7HC3",
  team: { name: "Slack Softball Team", id: "T9TK3CUKW" },
  enterprise: { name: "slack-sports", id: "E12345678" },
  authed_user: { id: "U1234", scope: "chat:write", access_token: "xoxp-1234", token_type: "user" },
};
const botOnly = { ...install, authed_user: { id: "U1234" } };
const rotatedUser = {
  ok: true,
  app_id: "A0KRD7HC3",
  authed_user: { id: "U1234" },
  access_token: "xoxe.xoxp-1-new",
  refresh_token: "xoxe-1-next",
  expires_in: 43200,
  token_type: "user",
  scope: "chat:write",
};
const authTest = {
  ok: true,
  url: "https://subarachnoiddomain.slack.com/",
  team: "Subarachnoid Workspace",
  user: "grace",
  team_id: "T12345678",
  user_id: "W12345678",
};

const stub = onProviderStub((url) => {
  return new SlackProvider({
    clientId: "2141029472.691202649728",
    clientSecret: "e1b9e11d",
    urls: { slack: url },
    ...fastRetries,
  });
});
const slack = stub.start;

describe("SlackProvider against Slack's documented answers", () => {
  it("asks for user scopes in user_scope and bot: scopes in scope, comma-separated", async () => {
    const provider = await slack({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", {
      scopes: ["search:read", "bot:chat:write", "channels:history", "bot:commands"],
    });
    expect(url.pathname).toBe("/oauth/v2/authorize");
    expect(url.searchParams.get("user_scope")).toBe("search:read,channels:history");
    expect(url.searchParams.get("scope")).toBe("chat:write,commands");
  });

  it("leaves scope out when only user scopes are asked for", async () => {
    const provider = await slack({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", {
      scopes: ["search:read"],
    });
    expect(url.searchParams.has("scope")).toBe(false);
  });

  it("returns the user token of an install, as a bearer token, with the bot token in raw", async () => {
    const provider = await slack({ [ACCESS]: { status: 200, body: install } });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {});
    expect(tokens).toMatchObject({
      accessToken: "xoxp-1234",
      tokenType: "Bearer",
      scopes: ["chat:write"],
      extras: { team_id: "T9TK3CUKW" },
    });
    expect(tokens.raw.access_token).toBe(install.access_token);
    expect(basicOf(stub.calls(ACCESS)[0])).toBe("2141029472.691202649728:e1b9e11d");
  });

  it("returns the bot token when the install has no user token", async () => {
    const provider = await slack({ [ACCESS]: { status: 200, body: botOnly } });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {});
    expect(tokens).toMatchObject({
      accessToken: install.access_token,
      scopes: ["commands", "incoming-webhook"],
    });
  });

  it("reads a rotated user token from the top of a refresh answer", async () => {
    const provider = await slack({ [ACCESS]: { status: 200, body: rotatedUser } });
    const tokens = await provider.refresh("xoxe-1-old");
    expect(tokens).toMatchObject({
      accessToken: "xoxe.xoxp-1-new",
      refreshToken: "xoxe-1-next",
      expiresIn: 43200,
    });
  });

  it("reads `ok: false` on a 200 as an OAuthError with Slack's code", async () => {
    const provider = await slack({
      [ACCESS]: { status: 200, body: { ok: false, error: "invalid_code" } },
    });
    const error = await provider
      .exchange("used", "https://gum.test/auth/callback", {})
      .catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe("invalid_code");
  });

  it("names the account as user (workspace) through auth.test", async () => {
    const provider = await slack({ "POST /api/auth.test": { status: 200, body: authTest } });
    expect(await provider.getNickname("xoxp-1234")).toBe("grace (Subarachnoid Workspace)");
    const refused = await slack({
      "POST /api/auth.test": { status: 200, body: { ok: false, error: "invalid_auth" } },
    });
    await expect(refused.getNickname("xoxp-bad")).rejects.toMatchObject({ code: "invalid_auth" });
  });

  it("revokes through auth.revoke with the token itself", async () => {
    const provider = await slack({
      "POST /api/auth.revoke": { status: 200, body: { ok: true, revoked: true } },
    });
    await provider.revoke("xoxp-1234");
    expect(stub.calls("POST /api/auth.revoke")[0]?.headers.authorization).toBe("Bearer xoxp-1234");
  });

  it("waits out a 429 with Retry-After on auth.test, then succeeds", async () => {
    const provider = await slack({
      "POST /api/auth.test": [
        { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": "0" } },
        { status: 200, body: authTest },
      ],
    });
    expect(await provider.getNickname("xoxp-1234")).toBe("grace (Subarachnoid Workspace)");
    expect(stub.calls("POST /api/auth.test")).toHaveLength(2);
  });
});
