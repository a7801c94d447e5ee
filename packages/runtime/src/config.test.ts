import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("defaults to the embedded database with its key beside the data folder", () => {
    const config = loadConfig({}, "/srv/app");
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: "/srv/app/.gumstack/data",
      vaultKeyFile: "/srv/app/.gumstack/vault.key",
      host: "127.0.0.1",
      port: 8080,
      pgliteSharedBuffers: "32MB",
      sandbox: "auto",
      proxiedMaxProcesses: 100,
    });
  });

  it.each([
    [{ GUMSTACK_PORT: "eighty" }, /GUMSTACK_PORT: must be a port number/],
    [{ GUMSTACK_PROXIED_MAX_PROCESSES: "0" }, /GUMSTACK_PROXIED_MAX_PROCESSES: must be a whole/],
    [{ GUMSTACK_PORT: "70000" }, /GUMSTACK_PORT: must be a port number/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL: must be a postgres:\/\//],
    [{ GUMSTACK_LOG_LEVEL: "loud" }, /GUMSTACK_LOG_LEVEL: /],
    [{ GUMSTACK_PUBLIC_URL: "example.com" }, /GUMSTACK_PUBLIC_URL: must be an http/],
    [{ GUMSTACK_PGLITE_SHARED_BUFFERS: "lots" }, /GUMSTACK_PGLITE_SHARED_BUFFERS: must be a size/],
    [{ GUMSTACK_PGLITE_SHARED_BUFFERS: "0MB" }, /GUMSTACK_PGLITE_SHARED_BUFFERS: must be a size/],
    [
      { GUMSTACK_MCP_ALLOWED_ORIGINS: "https://a.example/path" },
      /GUMSTACK_MCP_ALLOWED_ORIGINS: must list origins/,
    ],
    [
      { GUMSTACK_MCP_ALLOWED_ORIGINS: "a.example" },
      /GUMSTACK_MCP_ALLOWED_ORIGINS: must list origins/,
    ],
    [{ GUMSTACK_TRUST_PROXY: "yes" }, /GUMSTACK_TRUST_PROXY: must be the number/],
    [{ GUMSTACK_SANDBOX: "yes" }, /GUMSTACK_SANDBOX: must be auto, require or off/],
    [{ GUMSTACK_SANDBOX: "Require" }, /GUMSTACK_SANDBOX: must be auto, require or off/],
    [
      { GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS: "yes" },
      /GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS: must be 1 \(allow\) or 0/,
    ],
  ])("refuses %j naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("reads the MCP origins allowed besides ours, normalized, and the proxies to trust", () => {
    const config = loadConfig({
      GUMSTACK_MCP_ALLOWED_ORIGINS: "https://Inspector.example:443, http://localhost:6274,",
      GUMSTACK_TRUST_PROXY: "1",
    });
    expect(config.mcpAllowedOrigins).toEqual([
      "https://inspector.example",
      "http://localhost:6274",
    ]);
    expect(config.trustProxy).toBe(1);
    expect(loadConfig({})).toMatchObject({ mcpAllowedOrigins: [], trustProxy: 0 });
  });

  it("allows private metadata-document clients only when told to", () => {
    expect(loadConfig({}).oauthAllowPrivateClients).toBe(false);
    expect(loadConfig({ GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS: "0" }).oauthAllowPrivateClients).toBe(
      false,
    );
    expect(loadConfig({ GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS: "1" }).oauthAllowPrivateClients).toBe(
      true,
    );
  });

  it("takes each sandbox mode as it is spelled", () => {
    for (const mode of ["auto", "require", "off"] as const) {
      expect(loadConfig({ GUMSTACK_SANDBOX: mode }).sandbox).toBe(mode);
    }
    expect(loadConfig({ GUMSTACK_SANDBOX: "" }).sandbox).toBe("auto");
  });

  it("takes the hosted variables all together or not at all", () => {
    const hosted = {
      GUMSTACK_SERVER_ID: "srv_aaaaaaaaaaaaaaaaaaaaaaaaaa",
      GUMSTACK_RUNTIME_SECRET: "k1.abcdefghijklmnopqrstuvwxyz0123456789",
      GUMSTACK_PLATFORM_URL: "http://127.0.0.1:8080/",
    };
    expect(loadConfig(hosted).hosted).toEqual({
      serverId: hosted.GUMSTACK_SERVER_ID,
      runtimeSecret: hosted.GUMSTACK_RUNTIME_SECRET,
      platformUrl: "http://127.0.0.1:8080",
    });
    expect(loadConfig({}).hosted).toBeUndefined();
    expect(() => loadConfig({ GUMSTACK_SERVER_ID: hosted.GUMSTACK_SERVER_ID })).toThrow(
      /come together/,
    );
  });

  it("lists every bad variable at once", () => {
    expect(() => loadConfig({ GUMSTACK_PORT: "x", GUMSTACK_LOG_FORMAT: "xml" })).toThrow(
      /GUMSTACK_PORT.*\n.*GUMSTACK_LOG_FORMAT/,
    );
  });

  it("treats an empty variable as unset and flags unknown GUMSTACK_ names", () => {
    const config = loadConfig({ GUMSTACK_PORT: "", GUMSTACK_VAULT_KEY: "oops", PATH: "/bin" });
    expect(config.port).toBe(8080);
    expect(config.unknownVariables).toEqual(["GUMSTACK_VAULT_KEY"]);
  });
});
