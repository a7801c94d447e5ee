import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";

type Reply = JSONRPCMessage;

interface Pending {
  clientId: RequestId;
  resolve: (reply: Reply) => void;
  /** Applied to the reply before it leaves: removes credentials handed out during the call. */
  finish: (reply: Reply) => Reply;
}

/**
 * One McpServer serves every HTTP request, concurrently. The SDK's stateless pattern builds a new
 * server and transport per request, and that set-up is most of its cost; here the server is
 * connected once and each request's messages are dispatched into it with ids of our own (two
 * clients may both send id 1), and the replies are routed back to the request that asked.
 *
 * Like the SDK's JSON response mode, a request gets its reply and nothing else: notifications
 * the server sends while handling it (progress, logs) are not delivered, and there is no
 * server-initiated stream (GET).
 */
export class MultiplexTransport implements Transport {
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  async start(): Promise<void> {}

  async close(): Promise<void> {
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      entry.resolve(errorReply(entry.clientId, -32000, "the server is shutting down"));
    }
    this.onclose?.();
  }

  async send(message: JSONRPCMessage, _options?: TransportSendOptions): Promise<void> {
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return;
    if (typeof message.id !== "number") return;
    const entry = this.pending.get(message.id);
    // Gone: the client hung up and the call was cancelled, or the server is closing.
    if (!entry) return;
    this.pending.delete(message.id);
    entry.resolve(entry.finish({ ...message, id: entry.clientId }));
  }

  /**
   * Hands one HTTP request's messages to the server; resolves with the replies to its requests,
   * in order. Aborting `signal` (the client went away) cancels what is still running.
   */
  dispatch(
    messages: readonly JSONRPCMessage[],
    extra: MessageExtraInfo,
    signal: AbortSignal,
    finish: (reply: Reply) => Reply = (reply) => reply,
  ): Promise<Reply[]> {
    const replies: Promise<Reply>[] = [];
    for (const message of messages) {
      if (!isJSONRPCRequest(message)) {
        this.onmessage?.(message, extra);
        continue;
      }
      const id = ++this.nextId;
      replies.push(
        new Promise<Reply>((resolve) => {
          this.pending.set(id, { clientId: message.id, resolve, finish });
          signal.addEventListener("abort", () => this.cancel(id), { once: true });
        }),
      );
      this.onmessage?.({ ...message, id }, extra);
    }
    return Promise.all(replies);
  }

  private cancel(id: number): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    entry.resolve(errorReply(entry.clientId, -32000, "the request was cancelled"));
    this.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: id, reason: "the client closed the request" },
    });
  }
}

export function errorReply(id: RequestId, code: number, message: string): Reply {
  return { jsonrpc: "2.0", id, error: { code, message } };
}
