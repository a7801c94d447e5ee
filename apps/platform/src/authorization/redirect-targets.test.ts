import { describe, expect, it } from "vitest";
import { clientRedirect, formTargetOf, redirectHostOf } from "./redirect-targets.js";

const ISSUER = "https://gumstack.example";

describe("a client's redirect URI", () => {
  it("keeps its own query, adds the answer's parameters and iss, and drops the absent ones", () => {
    const to = new URL(
      clientRedirect("https://claude.ai/api/mcp/auth_callback?x=1", ISSUER, {
        code: "c0de",
        state: undefined,
      }),
    );
    expect([...to.searchParams]).toEqual([
      ["x", "1"],
      ["code", "c0de"],
      ["iss", ISSUER],
    ]);
  });

  it("works with a private-use scheme", () => {
    expect(
      clientRedirect("cursor://anysphere.cursor-mcp/oauth/callback", ISSUER, { state: "a b" }),
    ).toBe(
      "cursor://anysphere.cursor-mcp/oauth/callback?state=a+b&iss=https%3A%2F%2Fgumstack.example",
    );
  });

  it("is shown to a person by its host, or its app's scheme", () => {
    expect(redirectHostOf("https://claude.ai/api/mcp/auth_callback")).toBe("claude.ai");
    expect(redirectHostOf("http://127.0.0.1:33418/")).toBe("127.0.0.1:33418");
    expect(redirectHostOf("cursor://anysphere.cursor-mcp/oauth/callback")).toBe(
      "cursor://anysphere.cursor-mcp",
    );
    expect(redirectHostOf("com.example.app:/oauth")).toBe("com.example.app:");
  });

  it("is named in the consent page's form-action as narrowly as CSP can", () => {
    expect(formTargetOf("https://claude.ai/api/mcp/auth_callback")).toBe("https://claude.ai");
    expect(formTargetOf("http://localhost:8787/callback")).toBe("http://localhost:8787");
    expect(formTargetOf("http://[::1]:8787/callback")).toBe("http:");
    expect(formTargetOf("cursor://anysphere.cursor-mcp/oauth/callback")).toBe("cursor:");
  });
});
