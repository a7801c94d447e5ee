import type { Logger } from "@gumstack/log";
import {
  ErrorCode,
  type InitializeResult,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type JSONRPCResultResponse,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { type CallContext, callContext } from "../context.js";
import { errorReply, type Router } from "../host/streamable/router.js";
import { canTake } from "./client-capabilities.js";
import { ForwardedRequests } from "./forwarded.js";
import {
  answerInitialize,
  childInitializeParams,
  clientOf,
  readChildInitialize,
} from "./handshake.js";
import { OwnRequests } from "./own-requests.js";
import type { ToolNames } from "./tool-names.js";

/** The child's side of the relay: where messages for it are written. */
export interface ChildLink {
  /** False once the child is gone. */
  send(message: JSONRPCMessage): boolean;
}

export interface RelayOptions {
  router: Router;
  child: ChildLink;
  tools: ToolNames;
  /**
   * One user's process (their values went into its command): what the child sends to "a client"
   * may go to that user's clients. Shared by every user: never, since it could be anyone's.
   */
  perUser: boolean;
  log: Logger;
}

/** A backstop only: a first start may install packages, and the runner has its own limit. */
const INITIALIZE_WAIT_MS = 10 * 60_000;
const LIST_WAIT_MS = 30_000;
const MAX_LIST_PAGES = 100;
/** Past this, a client's unknown tool name is cut in the error that names it. */
const SHOWN_NAME_CHARS = 128;

export const SHARED_REFUSAL =
  "this server is shared by every user: a request to the client cannot be attributed to one";

/**
 * The stdio child as the router's server, in the McpServer's place: every client's requests
 * reach the child under the router's ids (unique across clients), and the child's messages go
 * back to the client they are about.
 *
 * stdio carries no "related request", so what the child sends of its own accord is attributed
 * here. Progress carries the token the bridge gave the request (its router id: unique, where
 * two clients may both have used token 1). Replies and cancellations name their request. A list
 * changed is about the server (every session); a resource updated goes to its subscribers. The
 * rest (log messages, requests to a client) belongs to no request the bridge can name: a
 * per-user process sends it to the client of the most recent request in flight (one that
 * declared the capability, for a request), which is the right user but, with two calls in
 * flight at once, perhaps not the call that caused it; a shared process passes none of it on.
 * A ping from the child is answered by the bridge: the child's peer on stdio is the bridge.
 */
export class Relay {
  private init: InitializeResult | undefined;
  private gone = false;
  private readonly forwarded = new ForwardedRequests();
  /** The child's requests out to a client, by the child's id: the request they went with. */
  private readonly asked = new Map<RequestId, number>();
  private readonly own: OwnRequests;

  constructor(private readonly o: RelayOptions) {
    this.own = new OwnRequests((message) => o.child.send(message));
    o.router.onmessage = (message) => this.fromClient(message);
  }

  /** Initialized, and the child still there: clients may come. */
  get ready(): boolean {
    return this.init !== undefined && !this.gone;
  }

  /** The bridge's own handshake with the child, once, before any client's request. */
  async initialize(): Promise<InitializeResult> {
    const init = readChildInitialize(
      await this.own.ask("initialize", childInitializeParams(), INITIALIZE_WAIT_MS),
    );
    this.o.child.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    // Known before the first call: a shortened name maps back only through the child's list.
    if (init.capabilities.tools) await this.listTools();
    this.init = init;
    return init;
  }

  /** Each message the child writes. */
  fromChild(message: JSONRPCMessage): void {
    // Whatever request the stdout read happened under, the child's messages are about none.
    callContext.exit(() => {
      if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message))
        this.childReply(message);
      else if (isJSONRPCRequest(message)) this.childRequest(message);
      else if (isJSONRPCNotification(message)) this.childNotification(message);
    });
  }

  /** The child is gone: whoever waits on it is told so. */
  childGone(reason: string): void {
    this.gone = true;
    this.own.failAll(reason);
    this.asked.clear();
    for (const request of this.forwarded.takeAll())
      this.toClient(errorReply(request.id, ErrorCode.InternalError, reason));
  }

  private fromClient(message: JSONRPCMessage): void {
    if (isJSONRPCRequest(message)) {
      this.clientRequest(message, callContext.getStore());
      return;
    }
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      // An answer to the child's request; the router let only the client asked give it.
      if (message.id !== undefined) this.asked.delete(message.id);
      this.o.child.send(message);
      return;
    }
    if (isJSONRPCNotification(message)) this.clientNotification(message);
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
    if (!this.o.child.send(outgoing)) {
      this.forwarded.take(id);
      this.toClient(errorReply(id, ErrorCode.InternalError, "the server's process is gone"));
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
        if (id !== undefined && this.forwarded.take(id)) this.o.child.send(notification);
        return;
      }
      default:
        this.o.child.send(notification);
    }
  }

  private childReply(reply: JSONRPCResultResponse | JSONRPCErrorResponse): void {
    if (this.own.answer(reply)) return;
    const request = reply.id === undefined ? undefined : this.forwarded.take(reply.id);
    // Cancelled, or its client went away: no one waits for it.
    if (!request) return;
    if (request.method === "tools/list" && isJSONRPCResultResponse(reply)) {
      this.toClient({ ...reply, result: this.o.tools.rewriteList(reply.result) as never });
      return;
    }
    this.toClient(reply);
  }

  private childRequest(request: JSONRPCRequest): void {
    if (request.method === "ping") {
      this.o.child.send({ jsonrpc: "2.0", id: request.id, result: {} });
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
    this.o.child.send(errorReply(request.id, ErrorCode.MethodNotFound, message));
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
