import { dirname, resolve } from "node:path";
import { z } from "zod";

/** A configuration the platform cannot start with; every line names its variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// or postgresql:// URL")
    .optional(),
  GUMSTACK_DATA_DIR: z.string().min(1, "must not be empty").default(".gumstack/data"),
  GUMSTACK_PGLITE_SHARED_BUFFERS: z
    .string()
    .regex(/^[1-9]\d{0,5}(kB|MB|GB)$/, "must be a size such as 32MB (kB, MB or GB)")
    .default("32MB"),
  GUMSTACK_VAULT_KEYS: z.string().optional(),
  GUMSTACK_VAULT_KEY_FILE: z.string().min(1, "must not be empty").optional(),
  GUMSTACK_HOST: z.string().min(1, "must not be empty").default("127.0.0.1"),
  GUMSTACK_PORT: z
    .string()
    .regex(/^\d{1,5}$/, "must be a port number from 0 to 65535")
    .transform(Number)
    .refine((port) => port <= 65_535, "must be a port number from 0 to 65535")
    .default(8080),
  GUMSTACK_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "must be an http:// or https:// URL")
    .optional(),
  // Set by the platform's runner for a hosted server, never by hand.
  GUMSTACK_SERVER_ID: z
    .string()
    .regex(/^srv_[a-z2-7]{26}$/, "must be a server id (srv_…)")
    .optional(),
  GUMSTACK_RUNTIME_SECRET: z
    .string()
    .min(32, "must be the runtime secret the platform issued")
    .optional(),
  GUMSTACK_PLATFORM_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "must be an http:// or https:// URL")
    .optional(),
  GUMSTACK_SANDBOX: z
    .enum(["auto", "require", "off"], { error: "must be auto, require or off" })
    .default("auto"),
  GUMSTACK_PROXIED_MAX_PROCESSES: z
    .string()
    .regex(/^[1-9]\d{0,4}$/, "must be a whole number from 1 to 99999")
    .transform(Number)
    .default(100),
  GUMSTACK_PROXIED_ALLOW_PRIVATE_URLS: z
    .enum(["0", "1"], { error: "must be 0 or 1" })
    .transform((value) => value === "1")
    .default(false),
  GUMSTACK_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  GUMSTACK_LOG_FORMAT: z.enum(["pretty", "json"]).default("pretty"),
  GUMSTACK_MCP_ALLOWED_ORIGINS: z
    .string()
    .transform((list) =>
      list
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^https?:\/\/([a-z0-9.-]+|\[[0-9a-f:]+\])(:\d{1,5})?$/i,
            "must list origins (scheme://host[:port], no path), separated by commas",
          ),
      ),
    )
    .default([]),
  GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS: z
    .enum(["0", "1"], { error: "must be 1 (allow) or 0" })
    .transform((value) => value === "1")
    .default(false),
  GUMSTACK_TRUST_PROXY: z
    .string()
    .regex(
      /^\d{1,2}$/,
      "must be the number of reverse proxies in front of the platform (0 for none)",
    )
    .transform(Number)
    .default(0),
});

export const knownVariables = Object.keys(schema.shape);

export interface Config {
  /** Unset: the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** The embedded database's `shared_buffers`: memory it keeps for cached pages. */
  pgliteSharedBuffers: string;
  vaultKeys: string | undefined;
  vaultKeyFile: string;
  host: string;
  port: number;
  /** How browsers and providers reach us (the callback URL's origin); unset: host and port. */
  publicUrl: string | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  logFormat: "pretty" | "json";
  /**
   * How hosted servers are isolated: `auto` sandboxes them with bubblewrap where it works and
   * otherwise runs them unsandboxed, warning loudly; `require` refuses to start them unsandboxed;
   * `off` never sandboxes.
   */
  sandbox: "auto" | "require" | "off";
  /** Per-user processes of proxied servers on this platform at most, across servers. */
  proxiedMaxProcesses: number;
  /** Remote proxied servers may be on loopback and private networks (off: SSRF). */
  proxiedAllowPrivateUrls: boolean;
  /** Set when the platform runs this process as a hosted server. */
  hosted: { serverId: string; runtimeSecret: string; platformUrl: string } | undefined;
  /**
   * Browser origins besides the platform's own that may call `/mcp/…` (a web-based MCP client);
   * a request with any other `Origin` is refused (DNS rebinding, cross-site use of a key).
   */
  mcpAllowedOrigins: string[];
  /**
   * How many reverse proxies stand in front of the platform: the client's address is then read
   * from that many hops back in `X-Forwarded-For` (throttling keys on it). 0: the socket's peer.
   */
  trustProxy: number;
  /**
   * Development only: MCP clients' metadata documents may be fetched from loopback and private
   * addresses (and over http from loopback), which otherwise would let any client_id point the
   * platform at its own network.
   */
  oauthAllowPrivateClients: boolean;
  /** GUMSTACK_* variables set but unknown: most likely typos, worth a warning. */
  unknownVariables: string[];
}

/** Parses the environment once, at start-up. */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = schema.safeParse(
    // An empty variable means unset, as in most shells' `VAR= command`.
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== "")),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `  ${name}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const hostedVariables = [
    c.GUMSTACK_SERVER_ID,
    c.GUMSTACK_RUNTIME_SECRET,
    c.GUMSTACK_PLATFORM_URL,
  ];
  const hostedSet = hostedVariables.filter((v) => v !== undefined).length;
  if (hostedSet > 0 && hostedSet < 3) {
    throw new ConfigError(
      "invalid configuration:\n  GUMSTACK_SERVER_ID, GUMSTACK_RUNTIME_SECRET and GUMSTACK_PLATFORM_URL come together (the platform sets all three)",
    );
  }
  const dataDir = resolve(cwd, c.GUMSTACK_DATA_DIR);
  return {
    databaseUrl: c.DATABASE_URL,
    dataDir,
    pgliteSharedBuffers: c.GUMSTACK_PGLITE_SHARED_BUFFERS,
    vaultKeys: c.GUMSTACK_VAULT_KEYS,
    vaultKeyFile: resolve(cwd, c.GUMSTACK_VAULT_KEY_FILE ?? `${dirname(dataDir)}/vault.key`),
    host: c.GUMSTACK_HOST,
    port: c.GUMSTACK_PORT,
    publicUrl: c.GUMSTACK_PUBLIC_URL?.replace(/\/+$/, ""),
    hosted:
      c.GUMSTACK_SERVER_ID && c.GUMSTACK_RUNTIME_SECRET && c.GUMSTACK_PLATFORM_URL
        ? {
            serverId: c.GUMSTACK_SERVER_ID,
            runtimeSecret: c.GUMSTACK_RUNTIME_SECRET,
            platformUrl: c.GUMSTACK_PLATFORM_URL.replace(/\/+$/, ""),
          }
        : undefined,
    logLevel: c.GUMSTACK_LOG_LEVEL,
    logFormat: c.GUMSTACK_LOG_FORMAT,
    mcpAllowedOrigins: c.GUMSTACK_MCP_ALLOWED_ORIGINS.map((origin) => new URL(origin).origin),
    trustProxy: c.GUMSTACK_TRUST_PROXY,
    oauthAllowPrivateClients: c.GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS,
    sandbox: c.GUMSTACK_SANDBOX,
    proxiedMaxProcesses: c.GUMSTACK_PROXIED_MAX_PROCESSES,
    proxiedAllowPrivateUrls: c.GUMSTACK_PROXIED_ALLOW_PRIVATE_URLS,
    unknownVariables: Object.keys(env).filter(
      (name) => /^GUMSTACK_/i.test(name) && !knownVariables.includes(name),
    ),
  };
}
