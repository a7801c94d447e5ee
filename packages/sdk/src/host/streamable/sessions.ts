import { randomBytes } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { SessionState } from "../../context.js";
import { MemoryEventStore } from "./event-store.js";
import type { Channel, Finish, Router } from "./router.js";

export interface Session extends SessionState {
  readonly userId: string;
  /** Chosen at `initialize`: replies as JSON for a client that accepts only JSON, else SSE. */
  readonly json: boolean;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly channel: Channel;
  lastSeen: number;
  /** Requests and streams of it open now: a session in use is never idle. */
  busy: number;
}

export interface SessionOptions {
  /** A session no request has touched for this long ends (default 30 minutes). */
  idleMs?: number;
  /** At most this many at once (default 10,000); past it the least recently used idle one ends. */
  max?: number;
  now?: () => number;
}

/** No session can be opened: every one is in use. */
export class SessionsFullError extends Error {
  override readonly name = "SessionsFullError";
}

/**
 * The MCP sessions of one host: each its own SDK transport (its streams, its event store for
 * resuming), fanned into the one McpServer by the router, with its own client's capabilities.
 * Kept in memory, bounded in number and in idleness: a client whose session is gone gets 404 and
 * initializes again, as the spec has it.
 */
export class Sessions {
  private readonly byId = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly max: number;
  private readonly now: () => number;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly router: Router,
    private readonly finish: (request: JSONRPCMessage) => Finish,
    options: SessionOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.max = options.max ?? 10_000;
    this.now = options.now ?? Date.now;
    this.timer = setInterval(
      () => this.sweep(),
      Math.min(60_000, Math.max(1_000, this.idleMs / 2)),
    );
    this.timer.unref();
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  /**
   * A new session for `userId`, not yet listed: it is once its `initialize` succeeds (see
   * `opened`), so a failed initialize leaves nothing behind.
   */
  async open(userId: string, json: boolean): Promise<Session> {
    if (this.byId.size >= this.max && !this.evictOne())
      throw new SessionsFullError(`all ${this.max} sessions are in use`);
    const id = randomBytes(18).toString("base64url");
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      enableJsonResponse: json,
      eventStore: new MemoryEventStore(),
      // How soon a client told to poll (or cut off) comes back for the rest.
      retryInterval: 1_000,
      onsessionclosed: () => this.forget(id),
    });
    const channel: Channel = { transport, sessionId: id };
    const session: Session = {
      id,
      userId,
      json,
      transport,
      channel,
      lastSeen: this.now(),
      busy: 0,
    };
    await this.router.attach(channel, this.finish);
    return session;
  }

  /** Lists a session once its client initialized it. */
  opened(session: Session): void {
    this.byId.set(session.id, session);
  }

  /** Ends a session: its streams close, what it had running is cancelled. */
  async end(session: Session): Promise<void> {
    this.forget(session.id);
    await session.transport.close();
  }

  /**
   * The first step of a shutdown: each session's stream of server messages ends (its client may
   * come back elsewhere), and requests still being served get up to `graceMs` to finish.
   */
  async drain(graceMs: number): Promise<void> {
    for (const session of this.byId.values()) session.transport.closeStandaloneSSEStream();
    const until = Date.now() + graceMs;
    const busy = () => [...this.byId.values()].some((session) => session.busy > 0);
    while (busy() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.byId.values()].map((session) => this.end(session)));
  }

  private forget(id: string): void {
    this.byId.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const session of this.byId.values()) {
      if (session.busy === 0 && now - session.lastSeen > this.idleMs) void this.end(session);
    }
  }

  /** Ends the least recently used idle session; false when every one is busy. */
  private evictOne(): boolean {
    let oldest: Session | undefined;
    for (const session of this.byId.values()) {
      if (session.busy === 0 && (!oldest || session.lastSeen < oldest.lastSeen)) oldest = session;
    }
    if (!oldest) return false;
    void this.end(oldest);
    return true;
  }
}
