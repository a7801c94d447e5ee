import type { ToolPolicy } from "./tool-policy.js";

/** More names than any real server has: past it the record starts over (it is only a cache). */
const MAX_KNOWN = 10_000;

/**
 * The tools policy applied to the child's traffic: its `tools/list` replies filtered and renamed,
 * a client's `tools/call` name mapped back. The child's tool names seen in lists are kept, so a
 * shortened name can be mapped back (see ToolPolicy.resolve).
 */
export class ToolNames {
  private known = new Set<string>();

  constructor(private readonly policy: ToolPolicy) {}

  /** The child's full list, as the bridge read it itself (at start, after a list changed). */
  replaceKnown(names: Iterable<string>): void {
    this.known = new Set(names);
  }

  /** The child's name for a called tool, or null when no tool served here has that name. */
  resolve(exposed: string): string | null {
    return this.policy.resolve(exposed, this.known);
  }

  /** A page of the child's `tools/list` result as a client sees it; other fields as they are. */
  rewriteList(result: unknown): unknown {
    if (typeof result !== "object" || result === null) return result;
    const { tools } = result as { tools?: unknown };
    if (!Array.isArray(tools)) return result;
    const served: unknown[] = [];
    for (const tool of tools) {
      const name = (tool as { name?: unknown } | null)?.name;
      // Not a tool: the client's own checks say so, as they would without the bridge.
      if (typeof name !== "string") {
        served.push(tool);
        continue;
      }
      this.remember(name);
      const exposed = this.policy.expose(name);
      if (exposed !== null) served.push({ ...(tool as object), name: exposed });
    }
    return { ...result, tools: served };
  }

  private remember(name: string): void {
    if (this.known.size >= MAX_KNOWN) this.known = new Set();
    this.known.add(name);
  }
}
