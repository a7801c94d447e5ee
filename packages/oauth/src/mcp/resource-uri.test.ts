import { describe, expect, it } from "vitest";
import { canonicalResourceUri, sameResource } from "./resource-uri.js";

describe("canonicalResourceUri", () => {
  it("lowercases scheme and host, drops the fragment and a bare origin's slash", () => {
    expect(canonicalResourceUri("HTTPS://MCP.Example.com/", "serverUrl")).toBe(
      "https://mcp.example.com",
    );
    expect(canonicalResourceUri("https://mcp.example.com/Server/mcp#x", "serverUrl")).toBe(
      "https://mcp.example.com/Server/mcp",
    );
    expect(canonicalResourceUri("https://mcp.example.com:8443/mcp?tenant=a", "serverUrl")).toBe(
      "https://mcp.example.com:8443/mcp?tenant=a",
    );
  });

  it("refuses what is not an absolute http(s) URL, naming the field", () => {
    expect(() => canonicalResourceUri("mcp.example.com", "serverUrl")).toThrow(
      /serverUrl must be an absolute http\(s\) URL/,
    );
    expect(() => canonicalResourceUri("ftp://mcp.example.com", "serverUrl")).toThrow(TypeError);
  });
});

describe("sameResource", () => {
  it("matches only the same canonical resource", () => {
    expect(sameResource("https://a.example/mcp", "https://A.example/mcp")).toBe(true);
    expect(sameResource("https://a.example/", "https://a.example")).toBe(true);
    expect(sameResource("https://a.example/mcp", "https://a.example/mcp/")).toBe(false);
    expect(sameResource("https://a.example/mcp", "https://a.example/other")).toBe(false);
    expect(sameResource("https://a.example/mcp", "not a url")).toBe(false);
  });
});
