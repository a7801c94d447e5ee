import { describe, expect, it } from "vitest";
import { parseBearerChallenge } from "./www-authenticate.js";

describe("parseBearerChallenge", () => {
  it("reads RFC 9728's resource_metadata and the scope of a Bearer challenge", () => {
    const header =
      'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", scope="files:read files:write"';
    expect(parseBearerChallenge(header)).toEqual({
      resource_metadata: "https://mcp.example.com/.well-known/oauth-protected-resource",
      scope: "files:read files:write",
    });
  });

  it("reads only the Bearer challenge of several, with unquoted and escaped values", () => {
    const header =
      'Basic realm="a, b", Bearer error=invalid_token, error_description="say \\"hi\\""';
    expect(parseBearerChallenge(header)).toEqual({
      error: "invalid_token",
      error_description: 'say "hi"',
    });
    expect(parseBearerChallenge('Bearer realm="x", DPoP algs="ES256"')).toEqual({ realm: "x" });
  });

  it("is undefined without a Bearer challenge", () => {
    expect(parseBearerChallenge(null)).toBeUndefined();
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge("Bearer")).toEqual({});
  });
});
