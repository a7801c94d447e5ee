import { describe, expect, it } from "vitest";
import { isCodeVerifier, verifierMatches } from "./pkce.js";

describe("PKCE S256 (RFC 7636)", () => {
  // RFC 7636 Appendix B.
  const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  it("matches the RFC's example, and nothing else", () => {
    expect(verifierMatches(verifier, challenge)).toBe(true);
    expect(verifierMatches(`${verifier.slice(0, -1)}l`, challenge)).toBe(false);
    // `plain`: the challenge sent back as its own verifier.
    expect(verifierMatches(challenge, challenge)).toBe(false);
    expect(verifierMatches(verifier, "")).toBe(false);
  });

  it("takes 43 to 128 unreserved characters as a verifier", () => {
    expect(isCodeVerifier(verifier)).toBe(true);
    expect(isCodeVerifier("a".repeat(42))).toBe(false);
    expect(isCodeVerifier("a".repeat(128))).toBe(true);
    expect(isCodeVerifier("a".repeat(129))).toBe(false);
    expect(isCodeVerifier(`${"a".repeat(42)}+`)).toBe(false);
    expect(isCodeVerifier(`${"a".repeat(42)}~`)).toBe(true);
  });
});
