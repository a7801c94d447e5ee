import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ServerConfigError } from "../errors.js";
import { BRIDGE_ENTRY } from "./entry.js";
import { parseProxySpec } from "./spec.js";

const valid = {
  name: "github",
  command: "npx",
  args: ["-y", "@modelcontextprotocol/server-github"],
  tools: { allow: [], deny: ["delete_*"], prefix: true },
};

const problem = (value: unknown) => {
  try {
    parseProxySpec(typeof value === "string" ? value : JSON.stringify(value));
  } catch (error) {
    expect(error).toBeInstanceOf(ServerConfigError);
    return (error as Error).message;
  }
  throw new Error("parsed");
};

describe("GUMSTACK_PROXY", () => {
  it("reads a shared and a per-user process's spec", () => {
    expect(parseProxySpec(JSON.stringify(valid))).toEqual(valid);
    const perUser = { ...valid, user: "usr_1", cwd: "/srv/github" };
    expect(parseProxySpec(JSON.stringify(perUser))).toEqual(perUser);
  });

  it("names each field that is wrong, never its value", () => {
    expect(problem(undefined)).toBe("GUMSTACK_PROXY is invalid:\n  (root): must be set, to JSON");
    expect(problem("{not json")).toContain("must be set, to JSON");
    const message = problem({ ...valid, name: "Not A Name", cwd: "relative/secret-dir" });
    expect(message).toContain("name: use 1-63 lowercase letters");
    expect(message).toContain("cwd: must be an absolute path");
    expect(message).not.toContain("secret-dir");
    expect(problem({ ...valid, tools: { allow: [""], deny: [], prefix: true } })).toContain(
      "tools.allow[0]",
    );
  });

  it("has its entry script beside it: main.ts from source", () => {
    expect(BRIDGE_ENTRY.endsWith("/bridge/main.ts")).toBe(true);
    expect(existsSync(BRIDGE_ENTRY)).toBe(true);
  });
});

const remote = {
  kind: "remote",
  name: "linear",
  url: "https://mcp.example.com/mcp",
  transport: "streamable-http",
  headers: { Authorization: "Bearer sk-secret-1" },
  timeoutSeconds: 60,
  allowPrivate: false,
  tools: { allow: [], deny: [], prefix: false },
};

describe("GUMSTACK_PROXY of a remote server", () => {
  it("reads a remote spec, and a stdio one with or without its kind", () => {
    expect(parseProxySpec(JSON.stringify(remote))).toEqual(remote);
    expect(parseProxySpec(JSON.stringify({ ...remote, transport: "sse", user: "usr_1" }))).toEqual({
      ...remote,
      transport: "sse",
      user: "usr_1",
    });
    expect(parseProxySpec(JSON.stringify({ ...valid, kind: "stdio" }))).toEqual({
      ...valid,
      kind: "stdio",
    });
  });

  it("names the wrong fields of the remote variant, never a header's value", () => {
    const message = problem({
      ...remote,
      url: "ftp://files.example.com/sk-secret-2",
      transport: "websocket",
      timeoutSeconds: 0,
      headers: { "Bad Name": "sk-secret-3", "X-Key": "sk-secret-4\r\nInjected: 1" },
    });
    expect(message).toContain("url: must be an http or https URL");
    expect(message).toContain("transport:");
    expect(message).toContain("timeoutSeconds:");
    expect(message).toContain("headers.Bad Name: is not a header name");
    expect(message).toContain("headers.X-Key: may not hold CR, LF or NUL");
    expect(message).not.toContain("sk-secret");
    expect(problem({ ...remote, url: "not a url" })).toContain("url: must be a URL");
    expect(problem({ ...remote, headers: { "X-Key": "sk-secret-5 \u2603" } })).toBe(
      "GUMSTACK_PROXY is invalid:\n  headers.X-Key: may hold only Latin-1 text",
    );
    const { headers: _, ...withoutHeaders } = remote;
    expect(problem(withoutHeaders)).toContain("headers:");
  });

  it("refuses headers the bridge sets itself, and the platform's context", () => {
    for (const name of ["Mcp-Session-Id", "mcp-protocol-version", "x-gumstack-context", "Host"])
      expect(problem({ ...remote, headers: { [name]: "v" } })).toContain(
        `headers.${name}: is set by the bridge itself`,
      );
  });

  it("refuses a kind it does not know", () => {
    expect(problem({ ...remote, kind: "websocket" })).toContain("kind:");
  });
});
