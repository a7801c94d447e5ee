import {
  type AuthProvider,
  OAuthError,
  ProviderResponseError,
  ProviderUnavailableError,
} from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { answerProviderCall, describeProvider } from "./provider-calls.js";
import { RemoteAuthProvider } from "./remote-provider.js";

/** The two ends joined through JSON, as they are over HTTP. */
function across(provider: AuthProvider) {
  const calls: unknown[] = [];
  const remote = new RemoteAuthProvider(
    JSON.parse(JSON.stringify(describeProvider(provider))),
    async (call) => {
      calls.push(call);
      const answer = await answerProviderCall(provider, JSON.parse(JSON.stringify(call)));
      return JSON.parse(JSON.stringify(answer.body));
    },
  );
  return { remote, calls };
}

const local: AuthProvider = {
  name: "acme",
  defaultTokenLifetime: 900,
  defaultScopes: ["read"],
  getUrl: (redirectUri, state, { scopes, codeVerifier }) =>
    new URL(
      `https://acme.test/authorize?r=${redirectUri}&s=${state}&sc=${scopes}&v=${codeVerifier}`,
    ),
  exchange: async (code, _uri, { codeVerifier }) => ({
    accessToken: `at-${code}-${codeVerifier}`,
    refreshToken: "rt",
    expiresAt: new Date("2030-01-02T03:04:05.000Z"),
    scopes: ["read"],
    tokenType: "bearer",
    raw: { id_token: "x" },
    extras: { cloud_id: "c-1" },
  }),
  refresh: async (token) => {
    if (token === "gone") throw new OAuthError("invalid_grant", "revoked", 400);
    if (token === "down") throw new ProviderUnavailableError("no answer within 10 ms", undefined);
    throw new Error(`secret ${token} in a message`);
  },
  getNickname: async (token) => `nick-of-${token}`,
};

describe("an AuthProvider in another process", () => {
  it("carries what the broker reads before calling: name, PKCE, lifetime, scopes, revocation", () => {
    const { remote } = across(local);
    expect(remote).toMatchObject({
      name: "acme",
      pkce: true,
      defaultTokenLifetime: 900,
      defaultScopes: ["read"],
    });
    expect(remote.revoke).toBeUndefined();
    expect(across({ ...local, pkce: false, revoke: async () => {} }).remote).toMatchObject({
      pkce: false,
      revoke: expect.any(Function),
    });
  });

  it("answers each call as the provider does, dates and URLs revived", async () => {
    const { remote } = across(local);
    const url = await remote.getUrl("https://p/cb", "st", {
      scopes: ["a", "b"],
      codeVerifier: "v",
    });
    expect(url.toString()).toBe("https://acme.test/authorize?r=https://p/cb&s=st&sc=a,b&v=v");
    const tokens = await remote.exchange("c1", "https://p/cb", { codeVerifier: "v" });
    expect(tokens).toEqual({
      accessToken: "at-c1-v",
      refreshToken: "rt",
      expiresAt: new Date("2030-01-02T03:04:05.000Z"),
      scopes: ["read"],
      tokenType: "bearer",
      raw: { id_token: "x" },
      extras: { cloud_id: "c-1" },
    });
    expect(await remote.getNickname("t")).toBe("nick-of-t");
  });

  it("keeps the failure's type, so the broker reacts as it would in process", async () => {
    const { remote } = across(local);
    await expect(remote.refresh("gone")).rejects.toMatchObject({
      name: "OAuthError",
      code: "invalid_grant",
      status: 400,
    });
    await expect(remote.refresh("down")).rejects.toBeInstanceOf(ProviderUnavailableError);
    const other = remote.refresh("tok-123");
    await expect(other).rejects.toBeInstanceOf(ProviderResponseError);
    // A provider's own message may carry anything: only the error's name crosses.
    await expect(other).rejects.toThrow("the provider failed (Error)");
  });

  it("refuses a malformed call with 400 naming the field", async () => {
    expect(await answerProviderCall(local, { op: "refresh" })).toMatchObject({
      status: 400,
      body: { error: { code: "bad_request", message: expect.stringMatching(/^refreshToken: /) } },
    });
    expect((await answerProviderCall(local, { op: "drop tables" })).status).toBe(400);
    expect((await answerProviderCall(local, { op: "revoke", token: "t" })).status).toBe(400);
  });
});
