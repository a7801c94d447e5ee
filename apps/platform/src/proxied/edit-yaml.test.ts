import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { updateYaml, YamlEditError } from "./edit-yaml.js";

const FILE = `# The team's GitHub server.
name: github
kind: stdio
command: npx # installs it on first start
args: ["-y", "@modelcontextprotocol/server-github"]
env:
  # each user's own
  GITHUB_TOKEN: "\${cred.token}"
  LOG_LEVEL: info   # quiet
tools:
  deny: ["delete_*"]
idleMinutes: 10
`;

describe("updateYaml", () => {
  it("changes only what changed, keeping comments, quoting and flow style", () => {
    const text = updateYaml(FILE, {
      env: { GITHUB_TOKEN: "${cred.token}", LOG_LEVEL: "debug" },
      args: ["-y", "@modelcontextprotocol/server-github", "--read-only"],
      idleMinutes: 30,
    });
    expect(text).toBe(`# The team's GitHub server.
name: github
kind: stdio
command: npx # installs it on first start
args: ["-y", "@modelcontextprotocol/server-github", --read-only]
env:
  # each user's own
  GITHUB_TOKEN: "\${cred.token}"
  LOG_LEVEL: debug # quiet
tools:
  deny: ["delete_*"]
idleMinutes: 30
`);
  });

  it("takes out what is gone: a key set to undefined, a map entry, list items", () => {
    const text = updateYaml(FILE, {
      command: undefined,
      env: { GITHUB_TOKEN: "${cred.token}" },
      args: ["-y"],
      maxProcesses: 5,
    });
    expect(text).toBe(`# The team's GitHub server.
name: github
kind: stdio
args: ["-y"]
env:
  # each user's own
  GITHUB_TOKEN: "\${cred.token}"
tools:
  deny: ["delete_*"]
idleMinutes: 10
maxProcesses: 5
`);
    expect(parse(text)).toEqual({
      name: "github",
      kind: "stdio",
      args: ["-y"],
      env: { GITHUB_TOKEN: "${cred.token}" },
      tools: { deny: ["delete_*"] },
      idleMinutes: 10,
      maxProcesses: 5,
    });
    expect(text).toContain("# each user's own");
    expect(text).not.toContain("LOG_LEVEL");
  });

  it("keeps every byte of what did not change, whatever its spacing", () => {
    const file = `---
# header
name: vendor
auth: { type: none }     # padded flow map
args: ["-y",   "x"]
idleMinutes: 10

# closing words
`;
    expect(updateYaml(file, { idleMinutes: 11, maxProcesses: 3, args: undefined })).toBe(`---
# header
name: vendor
auth: { type: none }     # padded flow map
idleMinutes: 11
maxProcesses: 3

# closing words
`);
  });

  it("writes a value of another type as a new node, not inside the old one's quotes", () => {
    const text = updateYaml('name: x\nidleMinutes: "10"\n', { idleMinutes: 10 });
    expect(parse(text)).toEqual({ name: "x", idleMinutes: 10 });
  });

  it("refuses a change that would reach another value through an alias", () => {
    const shared = "env: &env { A: one }\nx-copy: *env\n";
    expect(() => updateYaml(shared, { env: { A: "two" } })).toThrow(YamlEditError);
    // An alias itself is replaced, leaving its anchor as it was.
    const text = updateYaml("base: &env { A: one }\nenv: *env\n", { env: { A: "two" } });
    expect(parse(text)).toEqual({ base: { A: "one" }, env: { A: "two" } });
  });

  it("refuses a file that is not YAML", () => {
    expect(() => updateYaml("a: [1, 2\n", { a: [1] })).toThrow(YamlEditError);
  });
});
