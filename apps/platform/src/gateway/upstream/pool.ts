import { connect, type Socket } from "node:net";
import { ProtocolError, type ResponseHead, ResponseParser } from "./parser.js";

/*
 * The gateway's HTTP/1.1 client for hosted processes: kept-alive connections on loopback, one
 * request at a time on each, the request written as one string and the response read by
 * ResponseParser. It exists for speed: node:http's client (ClientRequest, the Agent, an
 * IncomingMessage stream per answer) was half of what the platform spent relaying a call, and
 * this does the same work for a fraction (`npm run bench:gateway` measures it). It serves only
 * what the gateway needs, which is why it can be this small: no redirects, no retries (a POST must
 * not be sent twice), no proxies, no TLS.
 */

/**
 * An idle connection older than this is closed rather than used. Below Node's default
 * keepAliveTimeout (5 s), which the hosted processes keep: we close first, so a request is never
 * written to a connection the server is closing at that moment.
 */
export const IDLE_MS = 4_000;
/** Idle connections kept per hosted process; more are closed when they come back. */
const MAX_IDLE = 64;

export interface UpstreamRequest {
  method: string;
  /** The path and query, as sent. */
  path: string;
  /** Lower-case names; no Host, Content-Length or Connection (the client sets those). */
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** What happens to one request; after onEnd or onError, nothing more. */
export interface ExchangeHandlers {
  onHead(head: ResponseHead): void;
  onData(chunk: Buffer): void;
  onEnd(): void;
  /** The server could not be reached, closed mid-answer, or sent something that is not HTTP. */
  onError(error: Error): void;
}

/** One request in flight. */
export interface Exchange {
  /** Gives up: the connection is closed, so the server sees its client go. No callback follows. */
  abort(): void;
  /** Stops reading the answer (the caller's client is slow); TCP then holds the server back. */
  pause(): void;
  resume(): void;
}

// A header value or path that could end a line would let a caller write headers of their own.
const SAFE_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const SAFE_PATH = /^\/[\x21-\x7e]*$/;

/** A caller's request that cannot be written as it is: the caller's fault, answered 400. */
export class InvalidRequestError extends Error {
  override readonly name = "InvalidRequestError";
}

/** The request's head, as written on the wire. */
export function requestHead(authority: string, request: UpstreamRequest): string {
  if (!SAFE_PATH.test(request.path)) throw new InvalidRequestError("unsafe request path");
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${authority}\r\n`;
  for (const name in request.headers) {
    const value = request.headers[name] as string;
    if (!SAFE_VALUE.test(value)) throw new InvalidRequestError(`unsafe value in header ${name}`);
    head += `${name}: ${value}\r\n`;
  }
  if (request.body !== undefined) head += `content-length: ${request.body.length}\r\n`;
  return `${head}\r\n`;
}

class Connection {
  private parser: ResponseParser | undefined;
  private handlers: ExchangeHandlers | undefined;
  private failure: Error | undefined;
  idleSince = 0;

  constructor(
    readonly socket: Socket,
    private readonly release: (connection: Connection) => void,
    private readonly forget: (connection: Connection) => void,
  ) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => {
      this.failure ??= error;
    });
    socket.once("close", () => this.onClose());
  }

  get busy(): boolean {
    return this.handlers !== undefined;
  }

  /** Whether `handlers` are still the ones this connection answers (their exchange not over). */
  serves(handlers: ExchangeHandlers): boolean {
    return this.handlers === handlers;
  }

  send(head: string, body: Buffer | undefined, headOnly: boolean, handlers: ExchangeHandlers) {
    this.handlers = handlers;
    this.parser = new ResponseParser(
      {
        onHead: (responseHead) => this.handlers?.onHead(responseHead),
        onData: (chunk) => this.handlers?.onData(chunk),
        onEnd: (reusable) => {
          const done = this.handlers;
          this.handlers = undefined;
          this.parser = undefined;
          if (reusable) this.release(this);
          else this.socket.destroy();
          done?.onEnd();
        },
      },
      headOnly,
    );
    if (body === undefined || body.length === 0) this.socket.write(head, "latin1");
    else {
      // One segment for head and body: a write each was two packets and two syscalls.
      this.socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
    }
  }

  /** The caller gave up: nothing more reaches its handlers. */
  abort(): void {
    this.handlers = undefined;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const parser = this.parser;
    if (parser === undefined) {
      // Nothing was asked: a server talking out of turn is not to be trusted with the next request.
      this.socket.destroy();
      return;
    }
    try {
      parser.feed(chunk);
    } catch (error) {
      this.fail(error instanceof Error ? error : new ProtocolError(String(error)));
    }
  }

  private onClose(): void {
    this.forget(this);
    const parser = this.parser;
    if (parser === undefined || this.handlers === undefined) return;
    try {
      // A body that runs until the close ends here; any other response was cut short.
      parser.close();
    } catch (error) {
      this.fail(this.failure ?? (error as Error));
    }
  }

  private fail(error: Error): void {
    const handlers = this.handlers;
    this.handlers = undefined;
    this.parser = undefined;
    this.socket.destroy();
    handlers?.onError(error);
  }
}

/** Kept-alive connections to each hosted process, by origin (`http://127.0.0.1:port`). */
export class Upstreams {
  private readonly idle = new Map<string, Connection[]>();
  private readonly addresses = new Map<string, { host: string; port: number; authority: string }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = performance.now.bind(performance)) {
    // Idle connections past their time are closed even when no request comes to reuse them.
    this.sweeper = setInterval(() => this.sweep(), IDLE_MS);
    this.sweeper.unref();
  }

  send(origin: string, request: UpstreamRequest, handlers: ExchangeHandlers): Exchange {
    const address = this.addressOf(origin);
    const head = requestHead(address.authority, request);
    const connection = this.take(origin) ?? this.open(origin, address);
    connection.send(head, request.body, request.method === "HEAD", handlers);
    const socket = connection.socket;
    // Once its answer is over the connection may carry someone else's: a late pause from this
    // exchange (a client slow on its last bytes) must not stall that one.
    const current = () => connection.serves(handlers);
    return {
      abort: () => {
        if (current()) connection.abort();
      },
      pause: () => {
        if (current()) socket.pause();
      },
      resume: () => {
        if (current()) socket.resume();
      },
    };
  }

  /** Closes every idle connection (those in use close when their answers end). */
  close(): void {
    clearInterval(this.sweeper);
    for (const list of this.idle.values()) for (const c of list.splice(0)) c.socket.destroy();
  }

  private take(origin: string): Connection | undefined {
    const list = this.idle.get(origin);
    if (list === undefined) return undefined;
    const now = this.now();
    for (let connection = list.pop(); connection !== undefined; connection = list.pop()) {
      if (now - connection.idleSince < IDLE_MS && !connection.socket.destroyed) {
        connection.socket.ref();
        return connection;
      }
      connection.socket.destroy();
    }
    return undefined;
  }

  private open(origin: string, address: { host: string; port: number }): Connection {
    const socket = connect({ host: address.host, port: address.port, noDelay: true });
    return new Connection(
      socket,
      (connection) => this.putBack(origin, connection),
      (connection) => this.remove(origin, connection),
    );
  }

  private putBack(origin: string, connection: Connection): void {
    let list = this.idle.get(origin);
    if (list === undefined) {
      list = [];
      this.idle.set(origin, list);
    }
    if (list.length >= MAX_IDLE) {
      connection.socket.destroy();
      return;
    }
    connection.idleSince = this.now();
    // Reading again if its last answer ended paused (a slow client): an idle connection must see
    // its server close it, and the next request's answer must flow.
    connection.socket.resume();
    // An idle connection does not keep the process alive.
    connection.socket.unref();
    list.push(connection);
  }

  private remove(origin: string, connection: Connection): void {
    const list = this.idle.get(origin);
    if (list === undefined) return;
    const at = list.indexOf(connection);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.idle.delete(origin);
  }

  private sweep(): void {
    const now = this.now();
    for (const list of this.idle.values()) {
      for (const connection of list) {
        if (now - connection.idleSince >= IDLE_MS && !connection.busy) connection.socket.destroy();
      }
    }
  }

  private addressOf(origin: string): { host: string; port: number; authority: string } {
    let address = this.addresses.get(origin);
    if (address === undefined) {
      const url = new URL(origin);
      if (url.protocol !== "http:") throw new Error(`not an http origin: ${origin}`);
      address = {
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port: Number(url.port || 80),
        authority: url.host,
      };
      // Bounded: one entry per deployment's port seen by this process, pruned when large.
      if (this.addresses.size >= 1_000) this.addresses.clear();
      this.addresses.set(origin, address);
    }
    return address;
  }
}
