// A closed loop of MCP sessions over raw HTTP/1.1 keep-alive connections, for benches that compare
// what stands between a client and a server (bench:proxied). Each connection is a client as an MCP
// client connects: `initialize` (keeping the `Mcp-Session-Id` it is given), the `initialized`
// notification, then one tools/call after another, each sent when the last reply is whole and
// checked. Requests are prebuilt bytes and replies are read by the gateway's own strict response
// parser, so the load generator spends tens of microseconds per call, where the SDK's HTTP client
// spends over a millisecond (fetch, web streams, an SSE parser): with that client on the same two
// cores, every HTTP route measured mostly the client.
import { connect, type Socket } from "node:net";
import {
  type ResponseHead,
  ResponseParser,
} from "../../apps/platform/src/gateway/upstream/parser.js";
import { type Driven, summarize } from "./closed-loop.js";
import { PROTOCOL_VERSION } from "./mcp-request.js";

export interface McpLoadTarget {
  name: string;
  /** The MCP endpoint, http://127.0.0.1:<port>/<path>. */
  url: string;
  /** Sent with every request (Authorization, say). */
  headers?: Record<string, string>;
  /** The tools/call request's params. */
  call: { name: string; arguments: Record<string, unknown> };
  /** Every call's reply (a JSON body or an SSE stream) must contain this. */
  expect: string;
}

interface Reply {
  head: ResponseHead;
  body: string;
}

const ACCEPT = "application/json, text/event-stream";
const REPLY_TIMEOUT_MS = 30_000;

/** One keep-alive connection, one request at a time. */
class Connection {
  private parser: ResponseParser | undefined;
  private waiting:
    | { resolve: (reply: Reply) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
    | undefined;
  private head: ResponseHead | undefined;
  private chunks: Buffer[] = [];
  /** Closed by either side: a server closes a keep-alive connection idle for a few seconds. */
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (data: Buffer) => {
      try {
        if (!this.parser) throw new Error("bytes with no request in flight");
        this.parser.feed(data);
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => {
      this.closed = true;
      this.fail(new Error("the server closed the connection"));
    });
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, noDelay: true });
      socket.once("connect", () => resolve(new Connection(socket)));
      socket.once("error", reject);
    });
  }

  send(request: Buffer | string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new Error(`no reply within ${REPLY_TIMEOUT_MS / 1000} s`)),
        REPLY_TIMEOUT_MS,
      );
      this.waiting = { resolve, reject, timer };
      this.head = undefined;
      this.chunks = [];
      this.parser = new ResponseParser({
        onHead: (head) => {
          this.head = head;
        },
        onData: (chunk) => this.chunks.push(chunk),
        onEnd: (reusable) => {
          const waiting = this.waiting;
          if (!waiting || !this.head) return;
          this.waiting = undefined;
          this.parser = undefined;
          clearTimeout(waiting.timer);
          if (!reusable) this.socket.destroy();
          waiting.resolve({ head: this.head, body: Buffer.concat(this.chunks).toString("utf8") });
        },
      });
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.socket.destroy();
    waiting.reject(error);
  }
}

function request(
  url: URL,
  headers: Record<string, string>,
  body: string | undefined,
  method = "POST",
): Buffer {
  const payload = Buffer.from(body ?? "");
  const lines = [
    `${method} ${url.pathname}${url.search} HTTP/1.1`,
    `host: ${url.host}`,
    "content-type: application/json",
    `accept: ${ACCEPT}`,
    `mcp-protocol-version: ${PROTOCOL_VERSION}`,
    `content-length: ${payload.length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), payload]);
}

const rpc = (method: string, params: unknown, id?: number) =>
  JSON.stringify({ jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, params });

interface Session {
  port: number;
  connection: Connection;
  call: Buffer;
  end: Buffer | undefined;
}

/** A connection with an initialized session, and the bytes of its tools/call and DELETE. */
async function openSession(target: McpLoadTarget): Promise<Session> {
  const url = new URL(target.url);
  const connection = await Connection.open(Number(url.port));
  const headers = { ...target.headers };
  const clientInfo = { name: "bench-mcp-load", version: "1.0.0" };
  const init = await connection.send(
    request(
      url,
      headers,
      rpc("initialize", { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo }, 0),
    ),
  );
  if (init.head.status !== 200 || !init.body.includes('"protocolVersion"'))
    throw new Error(`${target.name}: initialize answered ${init.head.status}: ${init.body}`);
  const session = init.head.headers["mcp-session-id"];
  if (session !== undefined) headers["mcp-session-id"] = session;
  const initialized = await connection.send(
    request(url, headers, rpc("notifications/initialized", {})),
  );
  if (initialized.head.status !== 202)
    throw new Error(
      `${target.name}: notifications/initialized answered ${initialized.head.status}`,
    );
  return {
    port: Number(url.port),
    connection,
    call: request(url, headers, rpc("tools/call", target.call, 1)),
    end: session === undefined ? undefined : request(url, headers, undefined, "DELETE"),
  };
}

/**
 * A connection the server closed while its session was idle (during another route's round) is
 * opened again, as an HTTP client's agent would: an MCP session is not its TCP connection.
 */
async function reconnected(session: Session): Promise<void> {
  if (session.connection.closed) session.connection = await Connection.open(session.port);
}

/** `connections` MCP sessions to one target, each a closed loop of calls while it runs. */
export class McpLoad {
  private constructor(
    private readonly target: McpLoadTarget,
    private readonly sessions: readonly Session[],
  ) {}

  static async open(target: McpLoadTarget, connections: number): Promise<McpLoad> {
    const sessions = await Promise.all(
      Array.from({ length: connections }, () => openSession(target)),
    );
    return new McpLoad(target, sessions);
  }

  /** Calls for `seconds`; rejects on the first reply that is not a 200 with `target.expect`. */
  async run(seconds: number): Promise<Driven> {
    const { target } = this;
    const latencies: number[] = [];
    const started = performance.now();
    const until = started + seconds * 1_000;
    const cpu = process.cpuUsage();
    await Promise.all(
      this.sessions.map(async (session) => {
        while (performance.now() < until) {
          await reconnected(session);
          const at = performance.now();
          const reply = await session.connection.send(session.call);
          latencies.push(performance.now() - at);
          if (reply.head.status !== 200 || !reply.body.includes(target.expect))
            throw new Error(`${target.name}: a call answered ${reply.head.status}: ${reply.body}`);
        }
      }),
    );
    return summarize(latencies, started, cpu);
  }

  /** Ends each session (DELETE, as a client that is done does) and closes its connection. */
  async close(): Promise<void> {
    await Promise.allSettled(
      this.sessions.map(async (session) => {
        try {
          await reconnected(session);
          if (session.end) await session.connection.send(session.end);
        } finally {
          session.connection.close();
        }
      }),
    );
  }
}
