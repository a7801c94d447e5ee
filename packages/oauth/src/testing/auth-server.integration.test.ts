import { afterEach, describe, expect, it } from "vitest";
import { OAuth2Provider } from "../oauth2-provider.js";
import { createCodeVerifier } from "../pkce.js";
import { startTestAuthServer, type TestAuthServer, type TestAuthServerOptions } from "./index.js";

const callback = "http://127.0.0.1:9/callback";
let as: TestAuthServer | undefined;

afterEach(async () => {
  await as?.close();
  as = undefined;
});

async function start(options: Partial<TestAuthServerOptions> = {}) {
  const server = await startTestAuthServer({ redirectUris: [callback], ...options });
  as = server;
  const provider = await OAuth2Provider.discover(server.issuer, {
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    ...(options.clientAuth === "client_secret_post" ? { clientAuth: "post" as const } : {}),
  });
  return { server, provider };
}

async function connect(server: TestAuthServer, provider: OAuth2Provider, account: string) {
  const codeVerifier = createCodeVerifier();
  const url = provider.getUrl(callback, "s", { codeVerifier, scopes: ["openid", "profile"] });
  const redirect = await server.authorize(url.href, { account });
  return provider.exchange(redirect.searchParams.get("code") ?? "", callback, { codeVerifier });
}

describe("startTestAuthServer", () => {
  it("listens on loopback and serves discovery with its issuer", async () => {
    const { server } = await start();
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const document = await (
      await fetch(`${server.issuer}/.well-known/openid-configuration`)
    ).json();
    expect(document).toMatchObject({
      issuer: server.issuer,
      code_challenge_methods_supported: ["S256"],
    });
  });

  it("refuses an authorization request without PKCE by redirecting with an error", async () => {
    const { server, provider } = await start();
    const url = provider.getUrl(callback, "s", { scopes: ["openid"] });
    const redirect = await server.authorize(url.href, { account: "ada" });
    expect(redirect.searchParams.get("error")).toBe("invalid_request");
    expect(redirect.searchParams.get("state")).toBe("s");
  });

  it("counts token requests by grant type, failed ones too", async () => {
    const { server, provider } = await start();
    const tokens = await connect(server, provider, "ada");
    await provider.refresh(tokens.refreshToken ?? "");
    await expect(provider.refresh("not-a-token")).rejects.toMatchObject({ code: "invalid_grant" });
    expect(server.counts()).toEqual({ authorizationCode: 1, refreshToken: 2 });
  });

  it("rotates refresh tokens and treats reuse of an old one as invalid_grant", async () => {
    const { server, provider } = await start();
    const first = await connect(server, provider, "ada");
    const second = await provider.refresh(first.refreshToken ?? "");
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(provider.refresh(first.refreshToken ?? "")).rejects.toMatchObject({
      code: "invalid_grant",
    });
  });

  it("keeps one refresh token when rotation is off", async () => {
    const { server, provider } = await start({ rotateRefreshTokens: false });
    const first = await connect(server, provider, "ada");
    const second = await provider.refresh(first.refreshToken ?? "");
    expect(second.refreshToken ?? first.refreshToken).toBe(first.refreshToken);
    await expect(provider.refresh(first.refreshToken ?? "")).resolves.toBeDefined();
  });

  it("revokes one account's grants and leaves the others' alone", async () => {
    const { server, provider } = await start();
    const ada = await connect(server, provider, "ada");
    const grace = await connect(server, provider, "grace");
    await server.revokeGrants("ada");
    await expect(provider.refresh(ada.refreshToken ?? "")).rejects.toMatchObject({
      code: "invalid_grant",
    });
    await expect(provider.getNickname(ada.accessToken)).rejects.toMatchObject({
      code: "invalid_token",
    });
    await expect(provider.refresh(grace.refreshToken ?? "")).resolves.toBeDefined();
  });

  it("serves per-account claims and the configured token lifetime", async () => {
    const { server } = await start({
      accessTokenTtl: 5,
      accounts: { ada: { name: "Ada Lovelace" } },
    });
    const provider = await OAuth2Provider.discover(server.issuer, {
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      nickname: (userinfo) =>
        typeof userinfo === "object" && userinfo !== null && "name" in userinfo
          ? String(userinfo.name)
          : undefined,
    });
    const tokens = await connect(server, provider, "ada");
    expect(tokens.expiresIn).toBe(5);
    expect(await provider.getNickname(tokens.accessToken)).toBe("Ada Lovelace");
  });

  it("accepts client_secret_post when configured for it", async () => {
    const { server, provider } = await start({ clientAuth: "client_secret_post" });
    const tokens = await connect(server, provider, "ada");
    expect(tokens.accessToken).toEqual(expect.any(String));
  });
});
