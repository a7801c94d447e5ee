import type { ServerResponse } from "node:http";
import type { Logger } from "@gumstack/log";
import type { Lease } from "../runner/index.js";
import { reply } from "./reply.js";
import type { ResponseHead } from "./upstream/parser.js";
import {
  type Exchange,
  type ExchangeHandlers,
  InvalidRequestError,
  type UpstreamRequest,
  type Upstreams,
} from "./upstream/pool.js";

/** Answers with a length up to this are read whole and sent in one write; larger ones stream. */
const MAX_BUFFERED_REPLY = 1024 * 1024;

export type StreamEnd = "ended" | "client gone" | "server gone" | "cut off";

export interface RelayContext {
  res: ServerResponse;
  lease: Lease;
  log: Logger;
  server: string;
  requestId: string;
  /** The caller's answer headers, from the server's (the allowlist, our CORS, the session id). */
  headersFor(head: ResponseHead): Record<string, string>;
}

/**
 * Sends one call to the hosted process and passes its answer back to the caller:
 *
 * - a whole answer with a length (JSON, the usual case) is read, then head and body leave in one
 *   write, not chunked;
 * - anything else (SSE) streams: each chunk is written as it comes, what arrives in one tick in one
 *   write, and reading from the server stops while the caller is slow (its socket's buffer full),
 *   so the gateway holds at most a buffer's worth whatever the server sends; the server's own
 *   writes then wait on TCP. No proxy after us may hold events back (`X-Accel-Buffering: no`).
 *
 * The caller leaving aborts the request (the server sees its client go and cancels). The server
 * dying mid-answer cuts the caller off: no clean end that would pass a truncated stream for a
 * whole one. The lease's cut-off (a redeploy's drain running out of time) ends a stream cleanly,
 * or answers 503 before the head. The lease is released when the exchange is over, however.
 */
export function relay(upstreams: Upstreams, request: UpstreamRequest, context: RelayContext) {
  new RelayedCall(context).start(upstreams, request);
}

class RelayedCall implements ExchangeHandlers {
  private exchange: Exchange | undefined;
  private over = false;
  /** A whole answer being read: its parts, else undefined (streaming, or no head yet). */
  private parts: Buffer[] | undefined;
  /** The head of a whole answer, written with its body once that is in. */
  private pendingHead: { status: number; out: Record<string, string> } | undefined;
  private streaming = false;
  /** A streamed answer's head is written but not yet sent: it goes with the first chunk. */
  private headUnsent = false;
  private corked = false;
  /** Reading from the server stopped until the caller's buffer drains. */
  private paused = false;
  private stopListening = () => {};

  constructor(private readonly context: RelayContext) {}

  start(upstreams: Upstreams, request: UpstreamRequest): void {
    const { res, lease } = this.context;
    res.once("close", this.onClientClose);
    try {
      this.exchange = upstreams.send(lease.url, request, this);
    } catch (error) {
      this.finish();
      // Anything else is ours: the gateway's own handler answers it (500) and logs it.
      if (!(error instanceof InvalidRequestError)) throw error;
      // A request we would not write (a header value that could end a line).
      this.context.log.warn("gateway refused to relay a request", {
        server: this.context.server,
        requestId: this.context.requestId,
        error,
      });
      reply(res, 400, -32600, "Bad Request: a header or the path cannot be relayed");
      return;
    }
    // Runs at once if the deadline has passed already.
    this.stopListening = lease.onCutOff(this.onCutOff);
  }

  onHead(head: ResponseHead): void {
    if (this.over) return;
    const { res } = this.context;
    const out = this.context.headersFor(head);
    const length = Number(head.headers["content-length"]);
    if (Number.isSafeInteger(length) && length <= MAX_BUFFERED_REPLY) {
      this.parts = [];
      this.pendingHead = { status: head.status, out };
      return;
    }
    this.streaming = true;
    if (out["content-type"]?.startsWith("text/event-stream")) out["x-accel-buffering"] = "no";
    res.writeHead(head.status, out);
    this.headUnsent = true;
    // The head leaves with the first event when that comes in the same tick (one write), else
    // alone at once: a GET stream may have nothing to say for minutes, and its client waits.
    this.cork();
  }

  onData(chunk: Buffer): void {
    if (this.over) return;
    if (this.parts !== undefined) {
      this.parts.push(chunk);
      return;
    }
    this.cork();
    this.headUnsent = false;
    // Backpressure: a full client buffer stops the reading until it drains.
    if (!this.context.res.write(chunk) && !this.paused) {
      this.paused = true;
      this.exchange?.pause();
      this.context.res.once("drain", this.onDrain);
    }
  }

  onEnd(): void {
    if (this.over) return;
    const { res } = this.context;
    const head = this.pendingHead;
    const parts = this.parts;
    this.finish();
    if (head !== undefined && parts !== undefined) {
      const whole = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      head.out["content-length"] = String(whole.length);
      res.writeHead(head.status, head.out);
      res.end(whole);
      return;
    }
    res.end();
  }

  onError(error: Error): void {
    if (this.over) return;
    const { res, log, server, requestId } = this.context;
    this.finish();
    if (this.streaming) {
      log.debug("a relayed stream ended early", { server, requestId, how: "server gone", error });
      res.destroy();
      return;
    }
    log.warn("gateway could not reach a server", { server, requestId, error });
    reply(res, 502, -32000, `${server} did not answer; try again`, this.context.headersFor(NONE));
  }

  private readonly onClientClose = () => {
    if (this.over) return;
    this.exchange?.abort();
    this.finish();
    const { log, server, requestId } = this.context;
    if (this.streaming)
      log.debug("a relayed stream ended early", { server, requestId, how: "client gone" });
    else log.debug("the client went away before the server answered", { server, requestId });
  };

  private readonly onCutOff = () => {
    if (this.over) return;
    const { res, log, server, requestId } = this.context;
    this.exchange?.abort();
    this.finish();
    if (this.streaming) {
      log.debug("a relayed stream ended early", { server, requestId, how: "cut off" });
      res.end();
      return;
    }
    reply(
      res,
      503,
      -32000,
      `${server} was redeployed while this call ran; try again`,
      this.context.headersFor(NONE),
    );
  };

  private readonly onDrain = () => {
    this.paused = false;
    if (!this.over) this.exchange?.resume();
  };

  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.context.res.cork();
    process.nextTick(this.uncork);
  }

  private readonly uncork = () => {
    this.corked = false;
    const { res } = this.context;
    res.uncork();
    if (this.headUnsent) {
      this.headUnsent = false;
      res.flushHeaders();
    }
  };

  private finish(): void {
    this.over = true;
    this.headUnsent = false;
    this.stopListening();
    this.context.res.removeListener("close", this.onClientClose);
    this.context.lease.release();
  }
}

/** For our own error answers: no server headers to pass on, only ours. */
const NONE: ResponseHead = { status: 0, headers: {} };
