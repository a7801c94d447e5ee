import { providerNames } from "@gumstack/providers";
import {
  authConfigSchema,
  configError,
  ServerConfigError,
  unsafeNameProblem,
  variableNameProblem,
} from "@gumstack/sdk";
import { z } from "zod";
import { type Known, Template, TemplateError } from "./templates.js";

/*
 * A proxied server's configuration: an MCP server that already exists, served through Gumstack
 * with each caller's values injected. The same file format as a hosted server's gumstack.yaml,
 * with a `kind`:
 *
 *   name: github
 *   kind: stdio                      # a command the runner starts, in its sandbox
 *   command: npx
 *   args: ["-y", "@modelcontextprotocol/server-github"]
 *   env: { GITHUB_PERSONAL_ACCESS_TOKEN: "${cred.token}" }
 *   auth: { type: cred, fields: [{ name: token, label: "Personal access token" }] }
 *
 *   name: vendor
 *   kind: remote                     # a URL Gumstack calls for each caller
 *   url: https://mcp.vendor.example/mcp
 *   transport: streamable-http       # or sse (the 2024-11-05 transport)
 *   headers: { Authorization: "Bearer ${MCP_API_KEY}" }
 *   auth: { type: none, env: [MCP_API_KEY] }
 *
 *   name: github
 *   kind: stdio
 *   command: npx
 *   args: ["-y", "@modelcontextprotocol/server-github"]
 *   env: { GITHUB_PERSONAL_ACCESS_TOKEN: "${oauth.access_token}" }
 *   auth: { type: oauth, provider: github, scopes: [repo] }   # a provider of the catalog
 *
 * Every value in env, args and headers is a template (templates.ts), checked here against what
 * the server declares: an operator variable must be listed in `auth.env` (mode none), a cred
 * field in `auth.fields`, and `${oauth.…}` needs mode oauth. A server whose templates name the
 * caller's values is per user: one process (or one set of headers) per caller.
 */

const serverName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use 1-63 lowercase letters, digits and -, as in a URL");

/** A record whose every key is checked, the problem reported at that key (`env.LD_PRELOAD`). */
const recordOf = (keyProblem: (key: string) => string | null) =>
  z.record(z.string(), z.string().max(16 * 1024)).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      const problem = keyProblem(key);
      if (problem) ctx.addIssue({ code: "custom", path: [key], message: problem });
    }
  });

// RFC 9110 5.1's token; and not the headers the hop itself owns.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const HOP_HEADERS = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "mcp-session-id",
  "mcp-protocol-version",
  // The bridge's transport sets these; the platform's context never leaves for another server.
  "accept",
  "content-type",
  "last-event-id",
  "x-gumstack-context",
]);
const headerNameProblem = (name: string) => {
  if (!HEADER_NAME.test(name)) return "not a header name";
  if (HOP_HEADERS.has(name.toLowerCase()))
    return `${name} is set by the connection, not configurable`;
  return null;
};

const [oauthAuth, credAuth, noneAuth] = authConfigSchema.options;

/** A remote server's own MCP authorization, run per user by the platform (proxied/provider.ts). */
export const MCP_PROVIDER = "mcp";

/**
 * The auth modes of a proxied server. `oauth` names a provider of the catalog
 * (packages/providers), which the platform builds from the server's variables (GITHUB_CLIENT_ID,
 * GITHUB_CLIENT_SECRET...): there is no code of the server's own to register one. Or, for a
 * remote server, `mcp`: the server's own authorization server, found through its metadata.
 */
export const proxiedAuthSchema = z.discriminatedUnion("type", [
  oauthAuth.extend({
    provider: z.string().refine((name) => name === MCP_PROVIDER || providerNames.includes(name), {
      message: `must be ${MCP_PROVIDER} (a remote server's own authorization) or a provider of the catalog: ${providerNames.join(", ")}`,
    }),
    /**
     * `shared` (default): a user who connected this provider's app for another server is not
     * asked again here; `own`: this server asks each user for a connection of its own.
     */
    connection: z.enum(["shared", "own"]).default("shared"),
  }),
  credAuth,
  noneAuth,
]);

const common = {
  name: serverName,
  description: z.string().max(1_000).default(""),
  auth: proxiedAuthSchema,
  tools: z
    .object({
      /** Names or globs (`*`); empty: every tool. */
      allow: z.array(z.string().min(1).max(128)).default([]),
      deny: z.array(z.string().min(1).max(128)).default([]),
      /** Prefix each tool's name with the server's (`github_create_issue`), to avoid clashes. */
      prefix: z.boolean().default(false),
    })
    .default({ allow: [], deny: [], prefix: false }),
  /** How long an unused per-user process is kept, in minutes (default 10). */
  idleMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
  /**
   * How long a process may take to start, in seconds: a first `npx -y` or `uvx` installs
   * packages; a remote server must answer its first initialize.
   */
  startSeconds: z.number().int().min(1).max(600).default(120),
  /** Per-user processes of this server at most; the least recently used idle one goes first. */
  maxProcesses: z.number().int().min(1).max(10_000).default(20),
};

const stdioSchema = z.object({
  ...common,
  kind: z.literal("stdio"),
  command: z.string().min(1).max(4_096),
  args: z
    .array(z.string().max(16 * 1024))
    .max(256)
    .default([]),
  env: recordOf((name) => variableNameProblem(name) ?? unsafeNameProblem(name)).default({}),
  /** Relative to the server's own folder in the runner; default that folder. */
  cwd: z
    .string()
    .regex(/^(?!\/)(?!.*\.\.)[\w./-]*$/, "must be a path inside the server's folder")
    .optional(),
});

const remoteSchema = z.object({
  ...common,
  kind: z.literal("remote"),
  url: z
    .string()
    .max(2_048)
    .refine((url) => /^https?:$/.test(URL.parse(url)?.protocol ?? ""), "must be an http(s) URL"),
  transport: z.enum(["streamable-http", "sse"]).default("streamable-http"),
  headers: recordOf(headerNameProblem).default({}),
  timeoutSeconds: z.number().int().min(1).max(3_600).default(60),
});

const proxiedSchema = z.discriminatedUnion("kind", [stdioSchema, remoteSchema]);

type Parsed = z.output<typeof proxiedSchema>;

export type ProxiedConfig = Parsed & {
  /** Every templated value, parsed, by where it is (`env.TOKEN`, `args[1]`, `headers.Authorization`). */
  templates: ReadonlyMap<string, Template>;
  /** True when a template names the caller's values: then one process, or header set, per caller. */
  perUser: boolean;
};

/** Validates a proxied server's configuration; every problem is named at its field. */
export function parseProxiedConfig(input: unknown, source = "the server config"): ProxiedConfig {
  const parsed = proxiedSchema.safeParse(input);
  if (!parsed.success) throw configError(parsed.error, source);
  const config = parsed.data;
  const ownAuthorization = config.auth.type === "oauth" && config.auth.provider === MCP_PROVIDER;
  if (ownAuthorization && config.kind !== "remote")
    throw new ServerConfigError(
      `${source} is invalid:\n  auth.provider: ${MCP_PROVIDER} is a remote server's own authorization; a stdio server names a provider of the catalog`,
    );
  const templated: Array<[string, string]> =
    config.kind === "stdio"
      ? [
          ["command", config.command],
          ...config.args.map((arg, i): [string, string] => [`args[${i}]`, arg]),
          ...Object.entries(config.env).map(([k, v]): [string, string] => [`env.${k}`, v]),
        ]
      : [
          ["url", config.url],
          ...Object.entries(config.headers).map(([k, v]): [string, string] => [`headers.${k}`, v]),
        ];
  const known: Known = {
    env: new Set(config.auth.type === "none" ? config.auth.env : []),
    cred: new Set(config.auth.type === "cred" ? config.auth.fields.map((f) => f.name) : []),
    oauth: config.auth.type === "oauth",
  };
  const templates = new Map<string, Template>();
  const problems: string[] = [];
  for (const [field, text] of templated) {
    try {
      const template = Template.parse(field, text);
      for (const problem of template.unknown(known)) problems.push(`  ${field}: ${problem}`);
      // What runs, and where requests go, are the operator's to say, never a caller's value
      // (a caller's field choosing the URL would aim the platform at any address).
      if ((field === "command" || field === "url") && template.perUser)
        problems.push(`  ${field}: cannot depend on the caller (no \${cred.…} or \${oauth.…})`);
      templates.set(field, template);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      problems.push(`  ${error.message}`);
    }
  }
  const usesOAuth = [...templates.values()].some((t) =>
    t.references.some((ref) => ref.source === "oauth" || ref.source === "oauth-extra"),
  );
  // A remote server's own authorization gets the token as MCP says (bearerHeaderOf), unnamed.
  if (config.auth.type === "oauth" && !usesOAuth && !ownAuthorization)
    problems.push(
      `  auth.type: oauth, but no env, args or headers value uses \${oauth.access_token}: the connection would reach nothing`,
    );
  if (problems.length > 0)
    throw new ServerConfigError(`${source} is invalid:\n${problems.join("\n")}`);
  const perUser = ownAuthorization || [...templates.values()].some((template) => template.perUser);
  return { ...config, templates, perUser };
}

/**
 * The header a remote server with its own authorization (`auth.provider: mcp`) gets the
 * caller's token in: `Authorization: Bearer …` (MCP authorization, RFC 6750), unless its
 * configuration names an Authorization header of its own. Undefined for every other server.
 */
export function bearerHeaderOf(config: ProxiedConfig): string | undefined {
  if (config.kind !== "remote" || config.auth.type !== "oauth") return undefined;
  if (config.auth.provider !== MCP_PROVIDER) return undefined;
  const named = Object.keys(config.headers).some((h) => h.toLowerCase() === "authorization");
  return named ? undefined : "Authorization";
}
