import { isAbsolute } from "node:path";
import { z } from "zod";
import { configError } from "../config.js";
import { ServerConfigError } from "../errors.js";

/** The variable the platform hands a bridge process its proxied server's spec in, as JSON. */
export const PROXY_ENV = "GUMSTACK_PROXY";

const globs = z.array(z.string().min(1).max(128)).max(1_000);

/** What one bridge process runs and serves: GUMSTACK_PROXY's JSON. */
export const proxySpecSchema = z.object({
  /** The server's name: its tools' prefix, and what the logs and /healthz say. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use 1-63 lowercase letters, digits and -, as in a URL"),
  command: z.string().min(1).max(4_096),
  args: z.array(z.string().max(16 * 1024)).max(256),
  /** Where the command runs; the bridge's own working directory when unset. */
  cwd: z.string().refine(isAbsolute, "must be an absolute path").optional(),
  tools: z.object({ allow: globs, deny: globs, prefix: z.boolean() }),
  /**
   * Set: this process serves this one user (its command was given their values), and any other
   * user's context is refused. Unset: one process shared by every user of the server.
   */
  user: z.string().min(1).max(128).optional(),
});

export type ProxySpec = z.output<typeof proxySpecSchema>;

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
