import { randomUUID } from "node:crypto";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { CallContext } from "../context.js";

/** How long a link handed out as an elicitation is waited on: the links' own lifetime. */
const PENDING_MS = 15 * 60_000;
/** Links waited on per user, and in all: past them the oldest is forgotten (bounded memory). */
const MAX_PER_USER = 20;
const MAX_PENDING = 10_000;

interface Pending {
  userId: string;
  sessionId: string;
  expiresAt: number;
}

/** Sends a message on a session's own stream; false when the session is gone. */
export type ToSession = (sessionId: string, message: JSONRPCMessage) => Promise<boolean>;

/**
 * Connect and form links handed out as URL-mode elicitations (MCP 2025-11-25), to clients that
 * declared `elicitation.url` at `initialize`. The link itself is what a tool result carries to
 * any other client; here it also gets an id, and once the user has finished in the browser
 * (`completed`), each session that was shown one of that user's links is told so with
 * `notifications/elicitation/complete`, and its client may retry at once.
 */
export class UrlElicitations {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly toSession: ToSession,
    private readonly now: () => number,
  ) {}

  /** The id to send `url` under, or undefined for a client that does not take URL elicitations. */
  begin(call: CallContext): string | undefined {
    const session = call.session;
    if (!session?.clientCapabilities?.elicitation?.url) return undefined;
    this.sweep();
    const mine = [...this.pending].filter(([, p]) => p.userId === call.userId);
    if (mine.length >= MAX_PER_USER) this.pending.delete(mine[0]?.[0] as string);
    if (this.pending.size >= MAX_PENDING)
      this.pending.delete(this.pending.keys().next().value as string);
    const id = randomUUID();
    this.pending.set(id, {
      userId: call.userId,
      sessionId: session.id,
      expiresAt: this.now() + PENDING_MS,
    });
    return id;
  }

  /** The user finished connecting or filling in the form: each of their elicitations is done. */
  async completed(userId: string): Promise<void> {
    this.sweep();
    const done = [...this.pending].filter(([, p]) => p.userId === userId);
    for (const [id] of done) this.pending.delete(id);
    await Promise.all(
      done.map(([elicitationId, { sessionId }]) =>
        this.toSession(sessionId, {
          jsonrpc: "2.0",
          method: "notifications/elicitation/complete",
          params: { elicitationId },
        }),
      ),
    );
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(id);
  }
}
