import type { AuthProvider, TokenResponse } from "@gumstack/oauth";
import { describe, expect, it } from "vitest";
import { expiryOf } from "./expiry.js";

const provider = (defaultTokenLifetime?: number) =>
  ({
    name: "p",
    ...(defaultTokenLifetime === undefined ? {} : { defaultTokenLifetime }),
  }) as AuthProvider;
const tokens = (extra: Partial<TokenResponse>): TokenResponse => ({
  accessToken: "a",
  tokenType: "bearer",
  raw: {},
  ...extra,
});
const now = 1_000_000;

describe("expiryOf", () => {
  it("uses expiresAt, then expiresIn", () => {
    const at = new Date(5_000_000);
    expect(expiryOf(tokens({ expiresAt: at, expiresIn: 10 }), provider(), now)).toBe(at);
    expect(expiryOf(tokens({ expiresIn: 60 }), provider(), now)?.getTime()).toBe(now + 60_000);
  });

  it("gives a refreshable token without expiry the provider's default, or an hour", () => {
    expect(expiryOf(tokens({ refreshToken: "r" }), provider(120), now)?.getTime()).toBe(
      now + 120_000,
    );
    expect(expiryOf(tokens({ refreshToken: "r" }), provider(), now)?.getTime()).toBe(
      now + 3_600_000,
    );
  });

  it("takes a token with neither expiry nor refresh token to last", () => {
    expect(expiryOf(tokens({}), provider(120), now)).toBeNull();
  });
});
