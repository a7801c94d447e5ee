import { describe, expect, it } from "vitest";
import { redirectHostOf, redirectUriMatches, redirectUriProblem } from "./redirect-uris.js";

describe("redirect URIs a client may register", () => {
  it.each([
    // claude.ai and claude.com connectors
    "https://claude.ai/api/mcp/auth_callback",
    "https://claude.com/api/mcp/auth_callback",
    // Cursor registers these three in one request
    "cursor://anysphere.cursor-mcp/oauth/callback",
    "https://www.cursor.com/agents/mcp/oauth/callback",
    "http://localhost:8787/callback",
    // VS Code
    "http://127.0.0.1:33418/",
    "https://vscode.dev/redirect",
    // RFC 8252 7.1's own example of a private-use scheme, and loopback IPv6
    "com.example.app:/oauth2redirect/example-provider",
    "http://[::1]:9000/callback",
    "https://app.example/cb?tenant=a",
  ])("accepts %s", (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    ["javascript:alert(document.domain)", /javascript: scheme/],
    ["JavaScript:alert(1)", /javascript: scheme/],
    [" javascript:alert(1)", /spaces or control characters/],
    ["java\tscript:alert(1)", /spaces or control characters/],
    ["data:text/html,<script>alert(1)</script>", /data: scheme/],
    ["file:///etc/passwd", /file: scheme/],
    ["vbscript:msgbox(1)", /vbscript: scheme/],
    ["blob:https://claude.ai/0b5e", /blob: scheme/],
    ["http://claude.ai/api/mcp/auth_callback", /only allowed to a loopback host/],
    ["http://127.0.0.1.evil.example/cb", /only allowed to a loopback host/],
    ["http://localhost.evil.example/cb", /only allowed to a loopback host/],
    ["https://claude.ai/api/mcp/auth_callback#x", /fragment/],
    ["https://claude.ai/cb#", /fragment/],
    ["cursor://anysphere.cursor-mcp/oauth/callback#frag", /fragment/],
    ["https://claude.ai@evil.example/cb", /user name or password/],
    ["/api/mcp/auth_callback", /absolute URL/],
    ["not a url", /spaces/],
    ["claude.ai/callback", /absolute URL/],
    ["https://", /absolute URL/],
    [`https://claude.ai/${"a".repeat(2_000)}`, /at most 2000 characters/],
  ])("refuses %s", (uri, problem) => {
    expect(redirectUriProblem(uri)).toMatch(problem);
  });
});

describe("redirect URIs a client may use at authorize", () => {
  const cursor = [
    "cursor://anysphere.cursor-mcp/oauth/callback",
    "https://www.cursor.com/agents/mcp/oauth/callback",
    "http://localhost:8787/callback",
  ];

  it("matches a registered URI exactly, and nothing else", () => {
    for (const uri of cursor) expect(redirectUriMatches(cursor, uri)).toBe(true);
    expect(redirectUriMatches(cursor, "https://www.cursor.com/agents/mcp/oauth/callback/")).toBe(
      false,
    );
    expect(redirectUriMatches(cursor, "https://WWW.cursor.com/agents/mcp/oauth/callback")).toBe(
      false,
    );
    expect(redirectUriMatches(cursor, "https://www.cursor.com/agents/mcp/oauth/callback?x=1")).toBe(
      false,
    );
    expect(redirectUriMatches(cursor, "cursor://anysphere.cursor-mcp/oauth/callback/../x")).toBe(
      false,
    );
    expect(
      redirectUriMatches(cursor, "https://www.cursor.com:8443/agents/mcp/oauth/callback"),
    ).toBe(false);
  });

  it("lets a loopback redirect use another port, as VS Code's does (RFC 8252 7.3)", () => {
    const vscode = ["http://127.0.0.1:33418/", "https://vscode.dev/redirect"];
    expect(redirectUriMatches(vscode, "http://127.0.0.1:52001/")).toBe(true);
    expect(redirectUriMatches(vscode, "http://127.0.0.1/")).toBe(true);
    expect(redirectUriMatches(vscode, "https://vscode.dev/redirect")).toBe(true);
    expect(redirectUriMatches(cursor, "http://localhost:50123/callback")).toBe(true);
    expect(redirectUriMatches(["http://[::1]:1/cb"], "http://[::1]:2/cb")).toBe(true);
  });

  it("keeps everything but the port of a loopback redirect exact", () => {
    const vscode = ["http://127.0.0.1:33418/"];
    // Another host (even another name for loopback), path, query, or a fragment: refused.
    expect(redirectUriMatches(vscode, "http://localhost:52001/")).toBe(false);
    expect(redirectUriMatches(vscode, "http://127.0.0.1:52001/other")).toBe(false);
    expect(redirectUriMatches(vscode, "http://127.0.0.1:52001/?next=evil")).toBe(false);
    expect(redirectUriMatches(vscode, "http://127.0.0.1:52001/#x")).toBe(false);
    expect(redirectUriMatches(vscode, "http://user@127.0.0.1:52001/")).toBe(false);
    // Only http loopback: an https URI's port is part of where the code goes.
    expect(redirectUriMatches(["https://localhost:8443/cb"], "https://localhost:9443/cb")).toBe(
      false,
    );
    // And only loopback: a port change on a public host is another service.
    expect(redirectUriMatches(["https://claude.ai/cb"], "https://claude.ai:444/cb")).toBe(false);
  });

  it("never matches what cannot be parsed, or an empty list", () => {
    expect(redirectUriMatches([], "https://claude.ai/api/mcp/auth_callback")).toBe(false);
    expect(redirectUriMatches(["http://127.0.0.1:1/"], "http://127.0.0.1:99999/")).toBe(false);
    expect(redirectUriMatches(["http://127.0.0.1:1/"], "")).toBe(false);
  });
});

describe("the host a person is shown", () => {
  it.each([
    ["https://claude.ai/api/mcp/auth_callback", "claude.ai"],
    ["http://127.0.0.1:33418/", "127.0.0.1:33418"],
    ["cursor://anysphere.cursor-mcp/oauth/callback", "anysphere.cursor-mcp"],
    ["com.example.app:/oauth2redirect", "com.example.app"],
  ])("%s shows as %s", (uri, host) => {
    expect(redirectHostOf(uri)).toBe(host);
  });
});
