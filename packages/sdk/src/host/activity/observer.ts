import type { ToolCallOutcome } from "@gumstack/db";
import { MAX_TOOL_NAME } from "@gumstack/runtime/internal-api";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import type { CallContext } from "../../context.js";
import { isError, isResult } from "../streamable/messages.js";
import type { RouterObserver } from "../streamable/router.js";
import type { ActivityReporter } from "./reporter.js";

interface Started {
  tool: string;
  calledAt: string;
  at: number;
}

/**
 * Records every `tools/call` a hosted server serves: which tool, for whom (the platform's signed
 * context names the user), how it ended and how long it took. Latency runs from handing the
 * request to the McpServer to its reply: the tool's handler plus the SDK's argument checks,
 * without HTTP or the gateway. Closing it (on shutdown, after the McpServer) sends what is still
 * pending.
 *
 * Only hosted servers record: a standalone host has no platform to show activity.
 */
export class ActivityObserver implements RouterObserver {
  /** The connect or form links handed out during each request, to tell auth_required apart. */
  private readonly links = new WeakMap<CallContext, string[]>();
  private readonly started = new WeakMap<object, Started>();

  constructor(
    private readonly reporter: ActivityReporter,
    private readonly now: () => number = Date.now,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The credential source calls this as it raises AuthRequiredError. */
  readonly authRequired = (call: CallContext, url: string): undefined => {
    const links = this.links.get(call);
    if (links) links.push(url);
    else this.links.set(call, [url]);
  };

  requested(message: JSONRPCMessage & { method: string }, call: CallContext | undefined): void {
    if (call === undefined || message.method !== "tools/call") return;
    const name = (message as { params?: { name?: unknown } }).params?.name;
    if (typeof name !== "string") return;
    this.started.set(message, {
      tool: name.slice(0, MAX_TOOL_NAME),
      calledAt: new Date(this.now()).toISOString(),
      at: this.clock(),
    });
  }

  replied(
    request: JSONRPCMessage & { method: string },
    reply: JSONRPCMessage,
    call: CallContext | undefined,
  ): void {
    const begun = this.started.get(request);
    if (!begun || !call) return;
    this.started.delete(request);
    this.reporter.record({
      userId: call.userId,
      tool: begun.tool,
      outcome: this.outcomeOf(call, reply),
      latencyMs: this.clock() - begun.at,
      calledAt: begun.calledAt,
    });
  }

  close(): Promise<void> {
    return this.reporter.close();
  }

  /**
   * A result marked isError is an error, unless it carries a link handed out during the request:
   * the McpServer turns a thrown AuthRequiredError into such a result, and a tool may return the
   * link itself. So is the URL elicitation a client that takes them gets instead (-32042). Any
   * other JSON-RPC error (bad arguments, say) is an error. A call cancelled by its client or cut
   * short by shutdown never replies through here, and is not recorded.
   */
  private outcomeOf(call: CallContext, reply: JSONRPCMessage): ToolCallOutcome {
    if (isError(reply))
      return reply.error.code === ErrorCode.UrlElicitationRequired && this.links.has(call)
        ? "auth_required"
        : "error";
    if (!isResult(reply)) return "error";
    if (reply.result.isError !== true) return "ok";
    const links = this.links.get(call) ?? [];
    const content = Array.isArray(reply.result.content) ? reply.result.content : [];
    const text = content
      .map((part: unknown) =>
        typeof part === "object" && part !== null && "text" in part ? String(part.text) : "",
      )
      .join("\n");
    return links.some((link) => text.includes(link)) ? "auth_required" : "error";
  }
}
