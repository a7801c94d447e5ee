import { describe, expect, it } from "vitest";
import { OAuthError, ProviderResponseError } from "./errors.js";
import { parseTokenResponse } from "./token-response.js";

describe("parseTokenResponse", () => {
  it("reads a complete RFC 6749 response", () => {
    const body = {
      access_token: "at-1",
      token_type: "Bearer",
      refresh_token: "rt-1",
      expires_in: 3600,
      scope: "openid profile",
      id_token: "x.y.z",
    };
    expect(parseTokenResponse(body, 200)).toEqual({
      accessToken: "at-1",
      tokenType: "Bearer",
      refreshToken: "rt-1",
      expiresIn: 3600,
      scopes: ["openid", "profile"],
      raw: body,
    });
  });

  it("defaults token_type to bearer and leaves absent fields out", () => {
    const parsed = parseTokenResponse({ access_token: "at" });
    expect(parsed).toEqual({ accessToken: "at", tokenType: "bearer", raw: { access_token: "at" } });
    expect("refreshToken" in parsed).toBe(false);
  });

  it("accepts expires_in as a numeric string (Microsoft Entra)", () => {
    expect(parseTokenResponse({ access_token: "at", expires_in: "3599" }).expiresIn).toBe(3599);
  });

  it("reads expires_at as absolute epoch seconds", () => {
    const parsed = parseTokenResponse({ access_token: "at", expires_at: 1_700_000_000 });
    expect(parsed.expiresAt).toEqual(new Date(1_700_000_000_000));
  });

  it("splits scopes on spaces and commas", () => {
    expect(parseTokenResponse({ access_token: "at", scope: "repo,user  gist" }).scopes).toEqual([
      "repo",
      "user",
      "gist",
    ]);
    expect(parseTokenResponse({ access_token: "at", scope: ["a", "b"] }).scopes).toEqual([
      "a",
      "b",
    ]);
  });

  it("reads null and empty optional fields as absent", () => {
    const parsed = parseTokenResponse({
      access_token: "at",
      refresh_token: null,
      expires_in: "",
      scope: null,
    });
    expect(parsed).toEqual({ accessToken: "at", tokenType: "bearer", raw: expect.any(Object) });
  });

  it("throws OAuthError for an error body, even on a 200", () => {
    const error = catchError(() =>
      parseTokenResponse({ error: "invalid_grant", error_description: "expired" }, 200),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: "invalid_grant", description: "expired", status: 200 });
  });

  it.each([
    ["a non-object", "access_token=at"],
    ["null", null],
    ["an array", [{ access_token: "at" }]],
    ["no access_token", { token_type: "bearer" }],
    ["a numeric access_token", { access_token: 42 }],
    ["a non-numeric expires_in", { access_token: "at", expires_in: "soon" }],
    ["a negative expires_in", { access_token: "at", expires_in: -1 }],
    ["a non-string refresh_token", { access_token: "at", refresh_token: {} }],
    ["a non-string scope", { access_token: "at", scope: 7 }],
    ["a non-string error", { error: 400 }],
  ])("throws ProviderResponseError for %s", (_, body) => {
    expect(catchError(() => parseTokenResponse(body, 502))).toBeInstanceOf(ProviderResponseError);
  });

  it("never puts token values in error messages", () => {
    const error = catchError(() =>
      parseTokenResponse({ access_token: "secret-at", refresh_token: 99, expires_in: "x" }),
    );
    expect(String(error)).not.toContain("secret-at");
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
