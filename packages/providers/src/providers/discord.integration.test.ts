import { OAuthError, ProviderUnavailableError } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { basicOf, fastRetries, formOf, onProviderStub } from "../testing/provider-stub.js";
import { DiscordProvider } from "./discord.js";

// Answers as Discord documents them: "OAuth2" (token, refresh, revoke), "Get Current User" and
// "Rate Limits" (429 with Retry-After and a JSON retry_after).
const TOKEN = "POST /api/oauth2/token";
const tokenAnswer = {
  access_token: "6qrZcUqja7812RVdnEKjpzOL4CvHBFG",
  token_type: "Bearer",
  expires_in: 604800,
  refresh_token: "D43f5y0ahjqew82jZ4NViEr2YafMKhue",
  scope: "identify",
};
const rateLimited = { message: "You are being rate limited.", retry_after: 0, global: false };
const me = {
  id: "80351110224678912",
  username: "nelly",
  discriminator: "0",
  global_name: "Nelly",
  verified: true,
};

const stub = onProviderStub((url) => {
  return new DiscordProvider({
    clientId: "157730590492196864",
    clientSecret: "dc-secret",
    urls: { discord: url },
    ...fastRetries,
  });
});
const discord = stub.start;

describe("DiscordProvider against Discord's documented answers", () => {
  it("authorizes at /oauth2/authorize, always asking for identify", async () => {
    const provider = await discord({});
    const url = provider.getUrl("https://gum.test/auth/callback", "st", { scopes: ["guilds"] });
    expect(url.pathname).toBe("/oauth2/authorize");
    expect(url.searchParams.get("scope")).toBe("guilds identify");
  });

  it("exchanges a code with Basic auth", async () => {
    const provider = await discord({ [TOKEN]: { status: 200, body: tokenAnswer } });
    const tokens = await provider.exchange("code", "https://gum.test/auth/callback", {});
    expect(tokens).toMatchObject({ expiresIn: 604800, refreshToken: tokenAnswer.refresh_token });
    expect(basicOf(stub.calls(TOKEN)[0])).toBe("157730590492196864:dc-secret");
  });

  it("reads an invalid code as invalid_grant", async () => {
    const provider = await discord({
      [TOKEN]: {
        status: 400,
        body: { error: "invalid_grant", error_description: 'Invalid "code" in request.' },
      },
    });
    const error = await provider
      .exchange("bad", "https://gum.test/auth/callback", {})
      .catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe("invalid_grant");
  });

  it("retries a rate-limited refresh after Retry-After, but never a rate-limited exchange", async () => {
    const limited = { status: 429, body: rateLimited, headers: { "retry-after": "0" } };
    const provider = await discord({ [TOKEN]: [limited, { status: 200, body: tokenAnswer }] });
    expect((await provider.refresh("old")).accessToken).toBe(tokenAnswer.access_token);
    expect(stub.calls(TOKEN)).toHaveLength(2);
    const spent = await discord({ [TOKEN]: limited });
    await expect(
      spent.exchange("code", "https://gum.test/auth/callback", {}),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(stub.calls(TOKEN)).toHaveLength(1);
  });

  it("names the account by its unique username", async () => {
    const provider = await discord({ "GET /api/users/@me": { status: 200, body: me } });
    expect(await provider.getNickname("6qrZ")).toBe("nelly");
  });

  it("revokes at /api/oauth2/token/revoke", async () => {
    const provider = await discord({ "POST /api/oauth2/token/revoke": { status: 200, body: {} } });
    await provider.revoke?.("D43f");
    const request = stub.calls("POST /api/oauth2/token/revoke")[0];
    expect(formOf(request)).toEqual({ token: "D43f" });
    expect(basicOf(request)).toBe("157730590492196864:dc-secret");
  });
});
