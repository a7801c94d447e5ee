import type { Logger } from "@gumstack/log";
import {
  ErrorCode,
  type InitializeResult,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type JSONRPCResultResponse,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { type CallContext, callContext } from "../context.js";
import { isError, isNotification, isRequest, isResult } from "../host/streamable/messages.js";
import { errorReply, type Router } from "../host/streamable/router.js";
import { canTake } from "./client-capabilities.js";
import { type Forwarded, ForwardedRequests } from "./forwarded.js";
import {
  answerInitialize,
  childInitializeParams,
  clientOf,
  readChildInitialize,
} from "./handshake.js";
import { OwnRequests } from "./own-requests.js";
import type { ToolNames } from "./tool-names.js";

/** The server's side of the relay: a child's stdin, or a remote server's HTTP session. */
export interface UpstreamLink {
  /** False once the server is gone for good: the message was not sent. */
  send(message: JSONRPCMessage): boolean;
  /**
   * A remote server only: drops the upstream session and opens a new one, for the bridge's
   * handshake on it (the first, or after the last one failed or expired). A child has one session,
   * its stdio, for its whole life.
   */
  reopen?(): Promise<void>;
  /** A remote server only: the protocol version the handshake agreed, for its HTTP header. */
  negotiated?(protocolVersion: string): void;
}

/** Why a message reached no server (a remote server's answer to its POST). */
export interface Undelivered {
  /** `expired`: the server does not know the session (HTTP 404); `refused`: any other answer. */
  kind: "refused" | "expired";
  /** For the client's JSON-RPC error: says what happened, never a header's value. */
  reason: string;
}

export interface RelayOptions {
  router: Router;
  upstream: UpstreamLink;
  tools: ToolNames;
  /**
   * One user's process (their values went into its command or headers): what the server sends to
   * "a client" may go to that user's clients. Shared by every user: never, since it could be
   * anyone's.
   */
  perUser: boolean;
  log: Logger;
  /**
   * A remote server's `timeoutSeconds`: a request unanswered this long is answered with an error
   * and cancelled there. Also the bridge's own handshake's limit. None for a child.
   */
  timeoutSeconds?: number;
}

/** A child's, a backstop only: a first start may install packages, and the runner has its own limit. */
const INITIALIZE_WAIT_MS = 10 * 60_000;
const LIST_WAIT_MS = 30_000;
const MAX_LIST_PAGES = 100;
/** Past this, a client's unknown tool name is cut in the error that names it. */
const SHOWN_NAME_CHARS = 128;

export const SHARED_REFUSAL =
  "this server is shared by every user: a request to the client cannot be attributed to one";

/**
 * The proxied server (a stdio child, or a remote server the bridge is one client of) as the
 * router's server, in the McpServer's place: every client's requests reach the server under the
 * router's ids (unique across clients), and the server's messages go back to the client they are
 * about. "The child" below is either.
 *
 * Neither upstream tells the bridge which request a message is related to (stdio has no such
 * thing; the SDK's client transport does not say which stream carried it), so what the child
 * sends of its own accord is attributed here. Progress carries the token the bridge gave the request (its router id: unique, where
 * two clients may both have used token 1). Replies and cancellations name their request. A list
 * changed is about the server (every session); a resource updated goes to its subscribers. The
 * rest (log messages, requests to a client) belongs to no request the bridge can name: a
 * per-user process sends it to the client of the most recent request in flight (one that
 * declared the capability, for a request), which is the right user but, with two calls in
 * flight at once, perhaps not the call that caused it; a shared process passes none of it on.
 * A ping from the child is answered by the bridge: the child's peer is the bridge.
 *
 * A remote server's session can fail while the bridge lives: then what was in flight is answered
 * with an error, and the next request opens a new session (the bridge's handshake again) before
 * it goes; a request the server answers with "unknown session" (404) is sent again, once, on a
 * new one. Clients keep their sessions with the bridge throughout.
 */
export class Relay {
  private init: InitializeResult | undefined;
  private gone = false;
  /** The upstream session failed or expired: the next request waits for a new one. */
  private stale = false;
  private reopening: Promise<void> | undefined;
  private readonly forwarded: ForwardedRequests;
  /** The child's requests out to a client, by the child's id: the request they went with. */
  private readonly asked = new Map<RequestId, number>();
  private readonly own: OwnRequests;

  constructor(private readonly o: RelayOptions) {
    this.own = new OwnRequests((message) => o.upstream.send(message));
    const { timeoutSeconds } = o;
    this.forwarded = new ForwardedRequests(
      timeoutSeconds === undefined
        ? undefined
        : {
            ms: timeoutSeconds * 1_000,
            expired: (request) => this.timedOut(request, timeoutSeconds),
          },
    );
    o.router.onmessage = (message) => this.fromClient(message);
  }

  /** Initialized, and the child still there: clients may come. */
  get ready(): boolean {
    return this.init !== undefined && !this.gone;
  }

  /**
   * The bridge's own handshake with the child, before any client's request: what every client's
   * `initialize` is answered from. A remote server's may be tried again after a failure.
   */
  async initialize(): Promise<InitializeResult> {
    const init = await this.handshake();
    this.init = init;
    return init;
  }

  private async handshake(): Promise<InitializeResult> {
    await this.o.upstream.reopen?.();
    const waitMs =
      this.o.timeoutSeconds === undefined ? INITIALIZE_WAIT_MS : this.o.timeoutSeconds * 1_000;
    const init = readChildInitialize(
      await this.own.ask("initialize", childInitializeParams(), waitMs),
    );
    this.o.upstream.negotiated?.(init.protocolVersion);
    this.o.upstream.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    // Known before the first call: a shortened name maps back only through the child's list.
    if (init.capabilities.tools) await this.listTools();
    this.stale = false;
    return init;
  }

  /** Each message the child sends. */
  fromUpstream(message: JSONRPCMessage): void {
    // Whatever request the stdout read happened under, the child's messages are about none.
    callContext.exit(() => {
      if (isResult(message) || isError(message)) this.childReply(message);
      else if (isRequest(message)) this.childRequest(message);
      else if (isNotification(message)) this.childNotification(message);
    });
  }

  /** The child is gone for good (its process exited): whoever waits on it is told so. */
  upstreamGone(reason: string): void {
    this.gone = true;
    this.failInFlight(reason);
  }

  /**
   * A remote server's session failed (its connection, its event stream): what is in flight is
   * answered with `reason`, and the next request opens a new session.
   */
  upstreamLost(reason: string): void {
    this.stale = true;
    this.failInFlight(reason);
  }

  /** A message a remote server did not take (its POST was answered with an error status). */
  undelivered(message: JSONRPCMessage, why: Undelivered): void {
    if (why.kind === "expired") this.stale = true;
    if (!isRequest(message)) {
      this.o.log.debug("the remote server did not take a message", { reason: why.reason });
      return;
    }
    if (typeof message.id === "string") {
      this.own.fail(message.id, new Error(why.reason));
      return;
    }
    const request = this.forwarded.get(message.id);
    if (!request) return;
    if (why.kind === "expired" && !request.resent) {
      // Transparent to the client: a server that restarted (or dropped idle sessions) forgot it.
      request.resent = true;
      this.deliver(message);
      return;
    }
    this.forwarded.take(request.id);
    this.toClient(errorReply(request.id, ErrorCode.InternalError, why.reason));
  }

  private failInFlight(reason: string): void {
    this.own.failAll(reason);
    this.asked.clear();
    for (const request of this.forwarded.takeAll())
      this.toClient(errorReply(request.id, ErrorCode.InternalError, reason));
  }

  /** Unanswered within `timeoutSeconds`: the client is told, and the server told to stop. */
  private timedOut(request: Forwarded, timeoutSeconds: number): void {
    this.toClient(
      errorReply(
        request.id,
        ErrorCode.RequestTimeout,
        `the remote server did not answer within ${timeoutSeconds} s`,
      ),
    );
    if (this.stale) return;
    this.o.upstream.send({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: request.id, reason: `no answer within ${timeoutSeconds} s` },
    });
  }

  /**
   * A client's message to the child. On a stale session a request waits for a new one; anything
   * else (a cancellation, an answer to the child) was about the old session, and is dropped.
   */
  private deliver(message: JSONRPCMessage): boolean {
    if (!this.stale) return this.o.upstream.send(message);
    if (!isRequest(message) || typeof message.id !== "number") return true;
    const id = message.id;
    this.reopened().then(
      () => {
        // Cancelled, timed out or failed while it waited: not sent.
        if (!this.forwarded.get(id) || this.o.upstream.send(message)) return;
        this.forwarded.take(id);
        this.toClient(errorReply(id, ErrorCode.InternalError, "the server is gone"));
      },
      (error: Error) => {
        if (this.forwarded.take(id))
          this.toClient(errorReply(id, ErrorCode.InternalError, error.message));
      },
    );
    return true;
  }

  /** One new session at a time, however many requests wait for it. */
  private reopened(): Promise<void> {
    this.reopening ??= this.handshake()
      .then(() => undefined)
      .finally(() => {
        this.reopening = undefined;
      });
    return this.reopening;
  }

  private fromClient(message: JSONRPCMessage): void {
    if (isRequest(message)) {
      this.clientRequest(message, callContext.getStore());
      return;
    }
    if (isResult(message) || isError(message)) {
      // An answer to the child's request; the router let only the client asked give it.
      if (message.id !== undefined) this.asked.delete(message.id);
      this.deliver(message);
      return;
    }
    if (isNotification(message)) this.clientNotification(message);
  }

  private clientRequest(request: JSONRPCRequest, call: CallContext | undefined): void {
    if (request.method === "initialize") {
      this.initializeClient(request, call);
      return;
    }
    if (request.method === "resources/unsubscribe" && this.stillSubscribed(request, call)) {
      // The child keeps one subscription for all the bridge's sessions: it ends with the last.
      this.toClient({ jsonrpc: "2.0", id: request.id, result: {} });
      return;
    }
    let outgoing = request;
    if (request.method === "tools/call") {
      const name = request.params?.name;
      const original = typeof name === "string" ? this.o.tools.resolve(name) : null;
      if (original === null) {
        const shown = String(name).slice(0, SHOWN_NAME_CHARS);
        this.toClient(errorReply(request.id, ErrorCode.InvalidParams, `Tool ${shown} not found`));
        return;
      }
      outgoing = { ...request, params: { ...request.params, name: original } };
    }
    const id = request.id as number;
    const meta = request.params?._meta;
    const progressToken = meta?.progressToken;
    if (progressToken !== undefined)
      outgoing = {
        ...outgoing,
        params: { ...outgoing.params, _meta: { ...meta, progressToken: id } },
      };
    this.forwarded.add({ id, method: request.method, progressToken, call });
    if (!this.deliver(outgoing)) {
      this.forwarded.take(id);
      this.toClient(errorReply(id, ErrorCode.InternalError, "the server is gone"));
    }
  }

  /** Whether a session other than the caller's is subscribed to the resource. */
  private stillSubscribed(request: JSONRPCRequest, call: CallContext | undefined): boolean {
    const uri = request.params?.uri;
    if (typeof uri !== "string") return false;
    return this.o.router.subscribersOf(uri).some((id) => id !== call?.session?.id);
  }

  /** Answered here, from the child's own answer to the bridge, for each session. */
  private initializeClient(request: JSONRPCRequest, call: CallContext | undefined): void {
    const answer = this.init && answerInitialize(request, this.init);
    if (!answer) {
      this.toClient(errorReply(request.id, ErrorCode.InvalidParams, "Invalid initialize request"));
      return;
    }
    const client = clientOf(request);
    if (call?.session && client) {
      // What the child's requests to this client are checked against (see canTake).
      call.session.clientCapabilities = client.capabilities;
      call.session.clientVersion = client.info;
    }
    this.toClient({ jsonrpc: "2.0", id: request.id, result: answer });
  }

  private clientNotification(notification: JSONRPCNotification): void {
    switch (notification.method) {
      // The child had its one handshake, with the bridge.
      case "notifications/initialized":
      // The child was told of no roots (see childInitializeParams).
      case "notifications/roots/list_changed":
        return;
      case "notifications/cancelled": {
        // The router put its own id in: the child's id for the request.
        const id = notification.params?.requestId as RequestId | undefined;
        if (id !== undefined && this.forwarded.take(id)) this.deliver(notification);
        return;
      }
      default:
        this.deliver(notification);
    }
  }

  private childReply(reply: JSONRPCResultResponse | JSONRPCErrorResponse): void {
    if (this.own.answer(reply)) return;
    const request = reply.id === undefined ? undefined : this.forwarded.take(reply.id);
    // Cancelled, or its client went away: no one waits for it.
    if (!request) return;
    if (request.method === "tools/list" && isResult(reply)) {
      this.toClient({ ...reply, result: this.o.tools.rewriteList(reply.result) as never });
      return;
    }
    this.toClient(reply);
  }

  private childRequest(request: JSONRPCRequest): void {
    if (request.method === "ping") {
      this.o.upstream.send({ jsonrpc: "2.0", id: request.id, result: {} });
      return;
    }
    if (!this.o.perUser) {
      this.refuse(request, SHARED_REFUSAL);
      return;
    }
    const carrier = this.forwarded.latest((forwarded) => canTake(forwarded.call?.session, request));
    if (!carrier) {
      this.refuse(
        request,
        `no client can take ${request.method}: no client that declared it has a request in flight`,
      );
      return;
    }
    this.asked.set(request.id, carrier.id);
    this.o.router.send(request, { relatedRequestId: carrier.id }).catch((error: Error) => {
      this.asked.delete(request.id);
      this.refuse(request, `cannot send ${request.method} to the client: ${error.message}`);
    });
  }

  private childNotification(notification: JSONRPCNotification): void {
    const { method } = notification;
    if (method === "notifications/progress") {
      this.progress(notification);
      return;
    }
    if (method.endsWith("/list_changed") || method === "notifications/resources/updated") {
      if (method === "notifications/tools/list_changed") this.refreshTools();
      // The router sends these to every session, or to the resource's subscribers.
      this.toClient(notification);
      return;
    }
    if (method === "notifications/cancelled") {
      // The child gave up on a request of its own to a client: that client is told.
      const id = notification.params?.requestId as RequestId | undefined;
      const carrier = id === undefined ? undefined : this.asked.get(id);
      if (id === undefined || carrier === undefined) return;
      this.asked.delete(id);
      this.toClient(notification, carrier);
      return;
    }
    if (!this.o.perUser) {
      // Could carry any user's data: the deployment log gets what it is, never what it says.
      const level = notification.params?.level;
      this.o.log.info("the server sent a notification no user can be told (shared process)", {
        method,
        ...(typeof level === "string" ? { level } : {}),
      });
      return;
    }
    // Most recent request's client, or every session when none is in flight.
    this.toClient(notification, this.forwarded.latest()?.id);
  }

  private progress(notification: JSONRPCNotification): void {
    const token = notification.params?.progressToken as RequestId | undefined;
    const request = token === undefined ? undefined : this.forwarded.get(token);
    if (request?.progressToken === undefined) return;
    const params = { ...notification.params, progressToken: request.progressToken };
    this.toClient({ ...notification, params }, request.id);
  }

  private refuse(request: JSONRPCRequest, message: string): void {
    this.o.upstream.send(errorReply(request.id, ErrorCode.MethodNotFound, message));
  }

  private toClient(message: JSONRPCMessage, relatedRequestId?: number): void {
    const options = relatedRequestId === undefined ? undefined : { relatedRequestId };
    this.o.router
      .send(message, options)
      .catch((error: Error) => this.o.log.debug("a message of the server for a client", { error }));
  }

  private refreshTools(): void {
    this.listTools().catch((error: Error) =>
      this.o.log.warn("could not list the server's tools after they changed", { error }),
    );
  }

  /** The child's whole tool list, every page, read by the bridge for itself. */
  private async listTools(): Promise<void> {
    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const result = await this.own.ask(
        "tools/list",
        cursor === undefined ? {} : { cursor },
        LIST_WAIT_MS,
      );
      const { tools, nextCursor } = (result ?? {}) as { tools?: unknown; nextCursor?: unknown };
      for (const tool of Array.isArray(tools) ? tools : []) {
        const name = (tool as { name?: unknown } | null)?.name;
        if (typeof name === "string") names.push(name);
      }
      if (typeof nextCursor !== "string") break;
      cursor = nextCursor;
    }
    this.o.tools.replaceKnown(names);
  }
}
