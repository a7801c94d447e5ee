import { describe, expect, it } from "vitest";
import { MAX_TOOL_NAME_LENGTH, shortenToolName, toolPolicy } from "./tool-policy.js";

const rules = (o: Partial<{ allow: string[]; deny: string[]; prefix: boolean }> = {}) => ({
  allow: [],
  deny: [],
  prefix: false,
  ...o,
});

describe("the tools policy", () => {
  it("serves every tool by its own name when nothing is said", () => {
    const policy = toolPolicy(rules(), "github");
    expect(policy.expose("create_issue")).toBe("create_issue");
    expect(policy.resolve("create_issue")).toBe("create_issue");
  });

  it("serves only allowed tools, names or globs, and deny wins", () => {
    const policy = toolPolicy(
      rules({ allow: ["get_*", "create_*", "search"], deny: ["create_repository", "*_secret"] }),
      "github",
    );
    expect(policy.expose("get_issue")).toBe("get_issue");
    expect(policy.expose("create_issue")).toBe("create_issue");
    expect(policy.expose("search")).toBe("search");
    expect(policy.expose("search_code")).toBeNull();
    expect(policy.expose("create_repository")).toBeNull();
    expect(policy.expose("get_secret")).toBeNull();
    expect(policy.resolve("create_repository")).toBeNull();
    expect(policy.resolve("delete_repo")).toBeNull();
  });

  it("treats everything in a glob but * literally", () => {
    const policy = toolPolicy(rules({ allow: ["a.b", "(x)+*"] }), "s");
    expect(policy.allows("a.b")).toBe(true);
    expect(policy.allows("axb")).toBe(false);
    expect(policy.allows("(x)+anything")).toBe(true);
    expect(policy.allows("xx")).toBe(false);
  });

  it("prefixes with the server's name and maps back only prefixed names", () => {
    const policy = toolPolicy(rules({ prefix: true, deny: ["delete_*"] }), "github");
    expect(policy.expose("create_issue")).toBe("github_create_issue");
    expect(policy.resolve("github_create_issue")).toBe("create_issue");
    expect(policy.resolve("create_issue")).toBeNull();
    expect(policy.resolve("github_delete_repo")).toBeNull();
    expect(policy.resolve("gitlab_create_issue")).toBeNull();
  });

  it("shortens a name past 64 characters the same way every time, and maps it back from a list", () => {
    const long = `get_${"very_".repeat(15)}long_tool`;
    const policy = toolPolicy(rules({ prefix: true }), "my-server");
    const exposed = policy.expose(long) as string;
    expect(exposed).toHaveLength(MAX_TOOL_NAME_LENGTH);
    expect(exposed).toMatch(/^my-server_get_very_.*_[0-9a-f]{8}$/);
    expect(policy.expose(long)).toBe(exposed);
    // Two names that differ past what is kept stay apart.
    expect(policy.expose(`${long}2`)).not.toBe(exposed);
    expect(policy.resolve(exposed, ["other", long])).toBe(long);
    // Without a list, the name can only be taken as some tool's own.
    expect(policy.resolve(exposed)).toBe(exposed.slice("my-server_".length));
  });

  it("keeps names of 64 characters or fewer as they are", () => {
    const name = "x".repeat(64);
    expect(shortenToolName(name)).toBe(name);
    expect(shortenToolName(`${name}y`)).toHaveLength(64);
  });

  it("does not reach a denied tool through a known list either", () => {
    const policy = toolPolicy(rules({ deny: ["secret"] }), "s");
    expect(policy.resolve("secret", ["secret"])).toBeNull();
  });
});
