import { ServerConfigError } from "@gumstack/sdk";
import { describe, expect, it } from "vitest";
import { parseProxiedConfig } from "./config.js";

const github = {
  name: "github",
  kind: "stdio",
  command: "npx",
  args: ["-y", "@modelcontextprotocol/server-github"],
  env: { GITHUB_PERSONAL_ACCESS_TOKEN: "${cred.token}" },
  auth: { type: "cred", fields: [{ name: "token", label: "Personal access token" }] },
};

const vendor = {
  name: "vendor",
  kind: "remote",
  url: "https://mcp.vendor.example/mcp",
  headers: { Authorization: "Bearer ${MCP_API_KEY}" },
  auth: { type: "none", env: ["MCP_API_KEY"] },
};

const problemsOf = (input: unknown): string => {
  try {
    parseProxiedConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ServerConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
};

describe("parseProxiedConfig", () => {
  it("reads a stdio server with a per-user value, with the defaults filled in", () => {
    const config = parseProxiedConfig(github);
    expect(config).toMatchObject({
      kind: "stdio",
      command: "npx",
      idleMinutes: 10,
      tools: { allow: [], deny: [], prefix: false },
      perUser: true,
    });
    expect(
      config.templates.get("env.GITHUB_PERSONAL_ACCESS_TOKEN")?.expand({
        env: {},
        cred: { token: "ghp_x" },
      }),
    ).toBe("ghp_x");
  });

  it("reads a remote server whose headers come from operator variables: one set for everyone", () => {
    const config = parseProxiedConfig(vendor);
    expect(config).toMatchObject({ kind: "remote", transport: "streamable-http", perUser: false });
    expect(
      config.templates.get("headers.Authorization")?.expand({ env: { MCP_API_KEY: "k" } }),
    ).toBe("Bearer k");
  });

  it("names each template that names something the server does not declare", () => {
    const message = problemsOf({
      ...github,
      args: ["${cred.nope}", "${oauth.access_token}"],
      env: { TOKEN: "${UNDECLARED}" },
    });
    expect(message).toContain("args[0]: ${cred.nope} is not one of the server's cred fields");
    expect(message).toContain("args[1]: ${oauth.…} needs the server's auth mode to be oauth");
    expect(message).toContain("env.TOKEN: ${UNDECLARED} is not one of the server's variables");
  });

  it("refuses a command or URL chosen by the caller's values", () => {
    expect(problemsOf({ ...github, command: "${cred.token}" })).toContain(
      "command: cannot depend on the caller",
    );
    expect(
      problemsOf({
        ...vendor,
        url: "https://${cred.host}/mcp",
        auth: { type: "cred", fields: [{ name: "host" }] },
      }),
    ).toContain("url: cannot depend on the caller");
  });

  it.each([
    [
      "a reserved variable in env",
      { ...github, env: { GUMSTACK_TOKEN: "x" } },
      /env\.GUMSTACK_TOKEN.*reserved/s,
    ],
    [
      "a loader variable in env",
      { ...github, env: { LD_PRELOAD: "/x.so" } },
      /LD_PRELOAD.*loads or runs code/s,
    ],
    ["a reserved name in a template", { ...github, args: ["${GUMLOOP_X}"] }, /args\[0\].*reserved/],
    [
      "an unclosed template",
      { ...github, args: ["${cred.token"] },
      /args\[0\]: "\$\{" at character 1 is not closed/,
    ],
    [
      "a URL that is not http(s)",
      { ...vendor, url: "file:///etc/passwd" },
      /url: must be an http\(s\) URL/,
    ],
    [
      "a hop-by-hop header",
      { ...vendor, headers: { Host: "x" } },
      /headers\.Host.*set by the connection/s,
    ],
    [
      "a header name that is not a token",
      { ...vendor, headers: { "a b": "x" } },
      /not a header name/,
    ],
    ["a cwd outside the folder", { ...github, cwd: "../other" }, /cwd: must be a path inside/],
    ["an unknown kind", { ...github, kind: "docker" }, /kind/],
  ])("refuses %s, naming the field", (_what, input, message) => {
    expect(problemsOf(input)).toMatch(message);
  });

  describe("auth oauth", () => {
    const oauth = {
      ...github,
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: "${oauth.access_token}" },
      auth: { type: "oauth", provider: "github", scopes: ["repo"] },
    };

    it("reads a catalog provider, a per-user server sharing its users' connections", () => {
      expect(parseProxiedConfig(oauth)).toMatchObject({
        perUser: true,
        auth: { type: "oauth", provider: "github", scopes: ["repo"], connection: "shared" },
      });
      const own = { ...oauth, auth: { ...oauth.auth, connection: "own" } };
      expect(parseProxiedConfig(own).auth).toMatchObject({ connection: "own" });
    });

    it.each([
      ["no provider", { ...oauth, auth: { type: "oauth" } }, /auth\.provider/],
      [
        "a provider outside the catalog",
        { ...oauth, auth: { type: "oauth", provider: "acme" } },
        /auth\.provider: must be mcp \(a remote server.s own authorization\) or a provider of the catalog: github, /,
      ],
      [
        "an unknown connection option",
        { ...oauth, auth: { ...oauth.auth, connection: "mine" } },
        /auth\.connection/,
      ],
      [
        "no value using the connection",
        { ...oauth, env: { TOKEN: "fixed" } },
        /auth\.type: oauth, but no env, args or headers value uses \$\{oauth\.access_token\}/,
      ],
    ])("refuses %s, naming the field", (_what, input, message) => {
      expect(problemsOf(input)).toMatch(message);
    });
  });
});
