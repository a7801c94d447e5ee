import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
  type RequestInfo,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
import {
  FIRST_EVENT_WAIT_MS,
  jsonRpcError,
  KEEP_ALIVE_MS,
  SSE_HEADERS,
  watchedStream,
} from "./http.js";
import { isError, isJsonRpcMessage, isRequest, isResult } from "./messages.js";

/** Events a stream holds for a client that reads slower than its tool sends. */
const QUEUED_BYTES = 64 * 1024;

const encoder = new TextEncoder();
const event = (message: JSONRPCMessage) => `event: message\ndata: ${JSON.stringify(message)}\n\n`;

export interface StatelessOptions {
  /** Reply as one SSE stream (the client accepts it), else as JSON. */
  sse: boolean;
  /** What the tools may read of the request (the SDK's `extra.requestInfo`). */
  requestInfo: RequestInfo;
  /** Told once the answer is over: sent whole, or its client went away first. */
  done: (how: "ended" | "cancelled") => void;
}

/**
 * One POST without a session, answered without the SDK's transport: on the path every
 * stateless call takes, building that transport (a zod parse of the body, a Request copy,
 * stream plumbing) cost more than the call itself. What it must do is small: check the
 * messages, hand them to the router, and answer with the replies: one JSON body, or an SSE
 * stream carrying the request's notifications as they come and then its reply. Nothing of a
 * session applies: there is no stream to resume and no one to send a request to.
 */
export class StatelessExchange implements Transport {
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private readonly waiting = new Set<RequestId>();
  private readonly replies: JSONRPCMessage[] = [];
  private stream?: ReadableStreamDefaultController<Uint8Array>;
  private answered: ((response: Response) => void) | undefined;
  private batch = false;
  private cors: Record<string, string> = {};
  private timer?: ReturnType<typeof setTimeout>;
  /** Resolves a send waiting for room in the stream (see roomToSend). */
  private room: (() => void) | undefined;
  private over = false;

  constructor(private readonly o: StatelessOptions) {}

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  /** The answer to one POST's parsed body. */
  handle(
    body: unknown,
    protocolVersion: string | null,
    cors: Record<string, string>,
  ): Response | Promise<Response> {
    if (protocolVersion !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) {
      this.end("ended");
      return jsonRpcError(
        400,
        -32000,
        `Bad Request: unsupported protocol version ${protocolVersion} (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`,
        cors,
      );
    }
    const batch = Array.isArray(body);
    const messages: unknown[] = batch ? body : [body];
    // Checked once, here: past this the router and the server tell a message's kind by its shape
    // alone (messages.ts), and the server's own guards would drop one that is not quite a message
    // (an id of 1.5, params that are not an object) without a word, its client waiting for ever.
    if (messages.length === 0 || !messages.every(isJsonRpcMessage)) {
      this.end("ended");
      return jsonRpcError(400, -32600, "Invalid Request: not a JSON-RPC message", cors);
    }
    for (const message of messages) if (isRequest(message)) this.waiting.add(message.id);
    const extra: MessageExtraInfo = { requestInfo: this.o.requestInfo };
    if (this.waiting.size === 0) {
      for (const message of messages) this.onmessage?.(message, extra);
      this.end("ended");
      return new Response(null, { status: 202, headers: cors });
    }
    const answer = this.answer(cors, batch);
    for (const message of messages) this.onmessage?.(message, extra);
    return answer;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.over) return;
    const reply = isResult(message) || isError(message);
    if (reply) this.waiting.delete(message.id as RequestId);
    const last = reply && this.waiting.size === 0;
    if (!this.o.sse) {
      // A JSON answer carries the replies only: there is nowhere else for a notification to go.
      if (reply) this.replies.push(message);
      if (last) this.settle(this.whole());
    } else if (this.stream) {
      this.stream.enqueue(encoder.encode(event(message)));
      if (last) this.stream.close();
      else await this.roomToSend();
    } else if (last) {
      // The whole stream is known before it started (a quick tool): sent as one body.
      this.settle(new Response(event(message), { status: 200, headers: this.sseHeaders() }));
    } else {
      this.openStream()?.enqueue(encoder.encode(event(message)));
      await this.roomToSend();
    }
    if (last) this.end("ended");
  }

  /**
   * Backpressure: a tool that sends faster than its client reads waits here (its
   * `sendNotification` does not resolve) until the stream has room again, so this process
   * holds at most QUEUED_BYTES of its events, however many it sends.
   */
  private async roomToSend(): Promise<void> {
    while (!this.over && (this.stream?.desiredSize ?? 1) <= 0) {
      await new Promise<void>((resolve) => {
        this.room = resolve;
      });
    }
  }

  /** Its client went away before the answer: nothing more is sent. */
  abandon(): void {
    this.settle(new Response(null, { status: 499 }));
    this.end("cancelled");
  }

  private answer(cors: Record<string, string>, batch: boolean): Promise<Response> {
    this.batch = batch;
    this.cors = cors;
    return new Promise((resolve) => {
      this.answered = resolve;
      // A slow tool that says nothing still gets its stream's head soon, with keep-alives.
      if (this.o.sse) this.timer = setTimeout(() => void this.openStream(), FIRST_EVENT_WAIT_MS);
    });
  }

  private settle(response: Response): void {
    clearTimeout(this.timer);
    this.answered?.(response);
    this.answered = undefined;
  }

  private whole(): Response {
    const body = this.batch ? this.replies : this.replies[0];
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { ...this.cors, "content-type": "application/json" },
    });
  }

  private sseHeaders(): Record<string, string> {
    return { ...this.cors, ...SSE_HEADERS };
  }

  private openStream(): ReadableStreamDefaultController<Uint8Array> | undefined {
    if (this.stream || this.over) return this.stream;
    const body = watchedStream(
      new ReadableStream<Uint8Array>(
        {
          start: (controller) => {
            this.stream = controller;
          },
          pull: () => this.wake(),
          cancel: () => this.end("cancelled"),
        },
        new ByteLengthQueuingStrategy({ highWaterMark: QUEUED_BYTES }),
      ),
      { keepAliveMs: KEEP_ALIVE_MS },
    );
    this.settle(new Response(body, { status: 200, headers: this.sseHeaders() }));
    return this.stream;
  }

  private wake(): void {
    const room = this.room;
    this.room = undefined;
    room?.();
  }

  private end(how: "ended" | "cancelled"): void {
    if (this.over) return;
    this.over = true;
    this.wake();
    this.o.done(how);
  }
}
