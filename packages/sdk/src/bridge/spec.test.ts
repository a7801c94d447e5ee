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
