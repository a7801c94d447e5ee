import { describe, expect, it } from "vitest";
import { codeChallengeS256, createCodeVerifier } from "./pkce.js";

describe("PKCE", () => {
  it("matches the RFC 7636 appendix B example", () => {
    // The appendix's 32 octets, their base64url verifier and its S256 challenge.
    const octets = Buffer.from([
      116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
      105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ]);
    const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    expect(octets.toString("base64url")).toBe(verifier);
    expect(codeChallengeS256(verifier)).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("creates 43-character unreserved verifiers that differ each time", () => {
    const verifiers = new Set(Array.from({ length: 20 }, () => createCodeVerifier()));
    expect(verifiers.size).toBe(20);
    for (const verifier of verifiers) {
      expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
    }
  });
});
