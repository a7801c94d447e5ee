import type { ToolCallOutcome } from "@gumstack/db";
import { MAX_TOOL_NAME } from "@gumstack/runtime/internal-api";
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { isJSONRPCRequest, isJSONRPCResultResponse } from "@modelcontextprotocol/sdk/types.js";
import { type CallContext, callContext } from "../../context.js";
import { MultiplexTransport } from "../multiplex-transport.js";
import type { ActivityReporter } from "./reporter.js";

interface Started {
  tool: string;
  calledAt: string;
  at: number;
}

/**
 * The hosted server's transport, recording every `tools/call` it serves: which tool, for whom
 * (the platform's signed context names the user), how it ended and how long it took. Latency runs
 * from handing the request to the McpServer to its reply: the tool's handler plus the SDK's
 * argument checks, without HTTP or the gateway. Closing it (the McpServer's close, on shutdown)
 * sends what is still pending.
 *
 * Only hosted servers record: a standalone host has no platform to show activity, so it keeps
 * the plain MultiplexTransport.
 */
export class ActivityTransport extends MultiplexTransport {
  /** The connect or form links handed out during each request, to tell auth_required apart. */
  private readonly links = new WeakMap<CallContext, string[]>();

  constructor(
    private readonly reporter: ActivityReporter,
    private readonly now: () => number = Date.now,
    private readonly clock: () => number = () => performance.now(),
  ) {
    super();
  }

  /** The credential source calls this as it raises AuthRequiredError. */
  readonly authRequired = (call: CallContext, url: string): void => {
    const links = this.links.get(call);
    if (links) links.push(url);
    else this.links.set(call, [url]);
  };

  override dispatch(
    messages: readonly JSONRPCMessage[],
    extra: MessageExtraInfo,
    signal: AbortSignal,
    finish: (reply: JSONRPCMessage) => JSONRPCMessage = (reply) => reply,
  ): Promise<JSONRPCMessage[]> {
    const call = callContext.getStore();
    // A batch may repeat an id: replies are matched to requests in order.
    const started = new Map<RequestId, Started[]>();
    for (const message of messages) {
      if (!isJSONRPCRequest(message) || message.method !== "tools/call") continue;
      const name = message.params?.name;
      if (typeof name !== "string") continue;
      const entry = {
        tool: name.slice(0, MAX_TOOL_NAME),
        calledAt: new Date(this.now()).toISOString(),
        at: this.clock(),
      };
      started.set(message.id, [...(started.get(message.id) ?? []), entry]);
    }
    if (call === undefined || started.size === 0)
      return super.dispatch(messages, extra, signal, finish);
    return super.dispatch(messages, extra, signal, (reply) => {
      const id = "id" in reply ? reply.id : undefined;
      const begun = id === undefined ? undefined : started.get(id)?.shift();
      if (begun) {
        this.reporter.record({
          userId: call.userId,
          tool: begun.tool,
          outcome: this.outcomeOf(call, reply),
          latencyMs: this.clock() - begun.at,
          calledAt: begun.calledAt,
        });
      }
      return finish(reply);
    });
  }

  override async close(): Promise<void> {
    await super.close();
    await this.reporter.close();
  }

  /**
   * A result marked isError is an error, unless it carries a link handed out during the request:
   * the McpServer turns a thrown AuthRequiredError into such a result, and a tool may return the
   * link itself. A JSON-RPC error (bad arguments, say) is an error. A call cancelled by its client
   * or cut short by shutdown never replies through here, and is not recorded.
   */
  private outcomeOf(call: CallContext, reply: JSONRPCMessage): ToolCallOutcome {
    if (!isJSONRPCResultResponse(reply)) return "error";
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
