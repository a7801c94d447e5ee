import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCRequest,
  JSONRPCResultResponse,
} from "@modelcontextprotocol/sdk/types.js";
import { isError } from "../host/streamable/messages.js";

/** The server answered one of the bridge's own requests with an error. */
export class ChildRequestError extends Error {
  override readonly name = "ChildRequestError";
  constructor(
    method: string,
    readonly code: number,
    message: string,
  ) {
    super(`the server answered ${method} with error ${code}: ${message}`);
  }
}

interface Waiting {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Requests the bridge itself sends the server (its `initialize`, its own `tools/list`), under ids
 * no client's request can have: the router's are numbers, these are strings.
 */
export class OwnRequests {
  private next = 0;
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly send: (message: JSONRPCMessage) => boolean) {}

  ask(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    const id = `gumstack-bridge-${++this.next}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`the server did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.waiting.set(id, { method, resolve, reject, timer });
      const request: JSONRPCRequest = { jsonrpc: "2.0", id, method, params };
      if (!this.send(request))
        this.fail(id, new Error(`cannot send ${method}: the server is gone`));
    });
  }

  /** Takes the server's reply if it answers one of these; false when it is not one. */
  answer(reply: JSONRPCResultResponse | JSONRPCErrorResponse): boolean {
    if (typeof reply.id !== "string") return false;
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return false;
    this.waiting.delete(reply.id);
    clearTimeout(waiting.timer);
    if (isError(reply))
      waiting.reject(new ChildRequestError(waiting.method, reply.error.code, reply.error.message));
    else waiting.resolve(reply.result);
    return true;
  }

  /** The server is gone (or its session is): nothing will be answered. */
  failAll(reason: string): void {
    for (const id of [...this.waiting.keys()]) this.fail(id, new Error(reason));
  }

  /** One of these could not be delivered: it fails with `error`; false when it is not one. */
  fail(id: string, error: Error): boolean {
    const waiting = this.waiting.get(id);
    if (!waiting) return false;
    this.waiting.delete(id);
    clearTimeout(waiting.timer);
    waiting.reject(error);
    return true;
  }
}
