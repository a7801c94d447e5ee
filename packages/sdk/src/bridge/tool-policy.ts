import { createHash } from "node:crypto";

/** Which of a proxied server's tools are served, and under what names (GUMSTACK_PROXY's `tools`). */
export interface ToolRules {
  /** Names or globs (`*` only); empty: every tool. */
  allow: readonly string[];
  /** Names or globs; a tool both allowed and denied is denied. */
  deny: readonly string[];
  /** Serve each tool as `<server>_<tool>`, so two servers' tools never clash in one client. */
  prefix: boolean;
}

/**
 * The longest tool name served. MCP allows longer, but widely used clients (and the model APIs
 * behind them) refuse a tool list with a name past 64 characters, and one such name fails the
 * whole list.
 */
export const MAX_TOOL_NAME_LENGTH = 64;
/** A shortened name: this much of the full name, `_`, and HASH_HEX hex digits of its hash. */
const KEPT = 55;
const HASH_HEX = 8;

/** A glob of `*` only, as a whole-name match: `create_*` matches `create_issue`. */
function globMatcher(glob: string): RegExp {
  const literal = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${literal.join(".*")}$`, "s");
}

/** A name as served: at most MAX_TOOL_NAME_LENGTH, the same for the same name on every call. */
export function shortenToolName(name: string): string {
  if (name.length <= MAX_TOOL_NAME_LENGTH) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, HASH_HEX);
  return `${name.slice(0, KEPT)}_${hash}`;
}

export interface ToolPolicy {
  /** Whether the server's tool `name` is served at all. */
  allows(name: string): boolean;
  /** The name a client sees for the server's tool `name`, or null when it is not served. */
  expose(name: string): string | null;
  /**
   * The server's own name for what a client called `exposed`, or null when no served tool can
   * have that name. `known` lists the server's tool names (a tools/list): a shortened name is
   * mapped back only through them; without it, the name is taken as the tool's own.
   */
  resolve(exposed: string, known?: Iterable<string>): string | null;
}

/**
 * The tools policy of one proxied server, pure: the bridge applies it to `tools/list` and
 * `tools/call`, and the platform's CLI to the tools it lists, so both say the same names.
 */
export function toolPolicy(rules: ToolRules, serverName: string): ToolPolicy {
  const allow = rules.allow.map(globMatcher);
  const deny = rules.deny.map(globMatcher);
  const allows = (name: string) =>
    (allow.length === 0 || allow.some((glob) => glob.test(name))) &&
    !deny.some((glob) => glob.test(name));
  const fullName = (name: string) => (rules.prefix ? `${serverName}_${name}` : name);
  const expose = (name: string) => (allows(name) ? shortenToolName(fullName(name)) : null);
  /** The one server name `exposed` can stand for without a list: the prefix taken off. */
  const unshortened = (exposed: string) => {
    if (!rules.prefix) return exposed;
    const start = `${serverName}_`;
    return exposed.startsWith(start) ? exposed.slice(start.length) : null;
  };
  return {
    allows,
    expose,
    resolve(exposed, known = []) {
      // Checked forward: a denied tool is never reached under another spelling. The list first:
      // a shortened name could also be some short tool's own (only a list can tell them apart).
      for (const name of known) if (expose(name) === exposed) return name;
      const direct = unshortened(exposed);
      return direct !== null && expose(direct) === exposed ? direct : null;
    },
  };
}
