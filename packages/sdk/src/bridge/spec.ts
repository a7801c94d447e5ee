import { isAbsolute } from "node:path";
import { CONTEXT_HEADER } from "@gumstack/runtime/core";
import { z } from "zod";
import { configError } from "../config.js";
import { ServerConfigError } from "../errors.js";

/** The variable the platform hands a bridge process its proxied server's spec in, as JSON. */
export const PROXY_ENV = "GUMSTACK_PROXY";

/**
 * The exit code of a per-user bridge whose remote server refused the caller's credentials in its
 * first handshake (401/403): the platform then refreshes the token or asks the user again.
 */
export const CREDENTIALS_REFUSED_EXIT = 3;

const globs = z.array(z.string().min(1).max(128)).max(1_000);

/** What both kinds share: which server this is, its tools policy, whose process it is. */
const common = {
  /** The server's name: its tools' prefix, and what the logs and /healthz say. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use 1-63 lowercase letters, digits and -, as in a URL"),
  tools: z.object({ allow: globs, deny: globs, prefix: z.boolean() }),
  /**
   * Set: this process serves this one user (its command or headers were given their values), and
   * any other user's context is refused. Unset: one process shared by every user of the server.
   */
  user: z.string().min(1).max(128).optional(),
};

/** A stdio command the bridge runs as its child. */
export const stdioProxySpecSchema = z.object({
  /** Absent in specs written before remote servers existed: stdio. */
  kind: z.literal("stdio").optional(),
  ...common,
  command: z.string().min(1).max(4_096),
  args: z.array(z.string().max(16 * 1024)).max(256),
  /** Where the command runs; the bridge's own working directory when unset. */
  cwd: z.string().refine(isAbsolute, "must be an absolute path").optional(),
});

/**
 * Headers the transport sets itself (or that say who is calling the bridge): a configured one
 * would take over the upstream session, or hand the platform's context to another server.
 */
const RESERVED_HEADERS = new Set([
  "accept",
  "connection",
  "content-length",
  "content-type",
  "host",
  "last-event-id",
  "mcp-protocol-version",
  "mcp-session-id",
  "transfer-encoding",
  CONTEXT_HEADER,
]);
/** RFC 9110's token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

function headerNameProblem(name: string): string | undefined {
  if (!HEADER_NAME.test(name)) return "is not a header name";
  if (RESERVED_HEADERS.has(name.toLowerCase())) return "is set by the bridge itself";
  return undefined;
}
// Never echoed: a header value is a secret (a bearer token, an API key).
const headerValue = z
  .string()
  .max(8 * 1024, "is longer than 8 KiB")
  .refine((value) => !/[\r\n\0]/.test(value), "may not hold CR, LF or NUL")
  // What fetch takes in a header (tab, visible ASCII, Latin-1), refused here rather than by a
  // TypeError at the first request, whose message would quote the value.
  .refine((value) => /^[\t\x20-\x7e\x80-\xff]*$/.test(value), "may hold only Latin-1 text");

const httpUrl = z
  .string()
  .max(4_096)
  .refine((text) => URL.canParse(text), "must be a URL")
  .refine((text) => /^https?:$/.test(URL.canParse(text) ? new URL(text).protocol : ""), {
    message: "must be an http or https URL",
  });

/** A remote MCP server the bridge connects to, as one client, with the configured headers. */
export const remoteProxySpecSchema = z.object({
  kind: z.literal("remote"),
  ...common,
  url: httpUrl,
  /** `sse` is the 2024-11-05 transport (a GET event stream, POSTs to the endpoint it names). */
  transport: z.enum(["streamable-http", "sse"]),
  /** Expanded by the platform (this user's values in them): sent on every upstream request. */
  headers: z.record(z.string(), headerValue).superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      const problem = headerNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
    }
  }),
  /** How long a forwarded request may wait for the remote server's answer. */
  timeoutSeconds: z.number().int().min(1).max(3_600),
  /** Loopback and private addresses allowed (a server on the platform's own network, tests). */
  allowPrivate: z.boolean(),
});

/** GUMSTACK_PROXY's schema: `kind` picks the variant, so an error names that variant's fields. */
export const proxySpecSchema = z.discriminatedUnion("kind", [
  stdioProxySpecSchema,
  remoteProxySpecSchema,
]);

/** GUMSTACK_PROXY read; a ServerConfigError names each field that is wrong (never a value). */
export function parseProxySpec(text: string | undefined): ProxySpec {
  let json: unknown;
  try {
    json = JSON.parse(text ?? "");
  } catch {
    throw new ServerConfigError(`${PROXY_ENV} is invalid:\n  (root): must be set, to JSON`);
  }
  const parsed = proxySpecSchema.safeParse(json);
  if (!parsed.success) throw configError(parsed.error, PROXY_ENV);
  return parsed.data;
}

export type StdioProxySpec = z.output<typeof stdioProxySpecSchema>;
export type RemoteProxySpec = z.output<typeof remoteProxySpecSchema>;
/** What one bridge process serves: GUMSTACK_PROXY's JSON. */
export type ProxySpec = z.output<typeof proxySpecSchema>;
