import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { type CallContext, callContext } from "../../context.js";
import { isError, isNotification, isRequest, isResult } from "./messages.js";

/**
 * One client's side of HTTP: the SDK's own Streamable HTTP transport, one per session (or one
 * per request without a session). It frames replies as JSON or SSE, keeps the session's GET
 * stream, replays missed events: everything the wire asks for.
 */
export interface Channel {
  readonly transport: Transport;
  /** Set for a session's channel: where messages about no request in particular go. */
  readonly sessionId?: string;
}

/** Applied to everything a request's handler sends before it leaves: see redactReply. */
export type Finish = (message: JSONRPCMessage) => JSONRPCMessage;

/** Told of each request handed to the server and of its reply: the activity record. */
export interface RouterObserver {
  requested(message: JSONRPCMessage & { method: string }, call: CallContext | undefined): void;
  replied(
    request: JSONRPCMessage & { method: string },
    reply: JSONRPCMessage,
    call: CallContext | undefined,
  ): void;
}

interface InFlight {
  channel: Channel;
  clientId: RequestId;
  request: JSONRPCMessage & { method: string };
  call: CallContext | undefined;
  finish: Finish;
}

const identity: Finish = (message) => message;

/**
 * One McpServer, every client. The SDK connects a server to one transport; here that transport
 * is this router, and each client's channel is the SDK's transport for that client. A request
 * gets an id of the router's own on its way in (two clients may both send id 1), and what the
 * server sends about it (its reply, progress and log notifications, an elicitation or sampling
 * request) goes back to that client's channel with the client's own id. A client's answer to a
 * server request is taken only from the channel the request went to. Without a related request,
 * a message sent while a request is being served goes to that request's client; one sent with no
 * request in reach goes to every session. A list changed is about the server, never a request:
 * every session hears it; a resource updated goes to the sessions subscribed to that resource.
 */
export class Router implements Transport {
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private nextId = 0;
  private readonly inFlight = new Map<number, InFlight>();
  /** By channel, the client's ids of its requests in flight, to route its cancellations. */
  private readonly byClientId = new Map<Channel, Map<RequestId, number>>();
  /** Server-to-client requests waiting for an answer, and the channel that must give it. */
  private readonly asked = new Map<RequestId, Channel>();
  private readonly sessions = new Map<string, Channel>();
  /** The resource URIs each session subscribed to (`resources/subscribe`, answered ok). */
  private readonly subscriptions = new WeakMap<Channel, Set<string>>();
  /** A request's router ids, so a message sent from its handler without a related id finds it. */
  private readonly callRequests = new WeakMap<CallContext, number[]>();

  constructor(private readonly observer?: RouterObserver) {}

  /** The session of the request being served, as the SDK's handlers read it (`extra.sessionId`). */
  get sessionId(): string | undefined {
    return callContext.getStore()?.session?.id;
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {
    for (const [id, entry] of this.inFlight) {
      this.forget(id, entry);
      await this.deliver(
        entry.channel,
        entry.finish(errorReply(entry.clientId, -32000, "the server is shutting down")),
      );
    }
    this.onclose?.();
  }

  /** Starts taking a channel's messages; `finish` applies to what its requests' handlers send. */
  attach(
    channel: Channel,
    finish: (request: JSONRPCMessage) => Finish = () => identity,
  ): Promise<void> {
    const { transport } = channel;
    transport.onmessage = (message, extra) => this.receive(channel, message, extra, finish);
    transport.onerror = (error) => this.onerror?.(error);
    transport.onclose = () => this.detach(channel);
    if (channel.sessionId !== undefined) this.sessions.set(channel.sessionId, channel);
    return transport.start();
  }

  /** A channel gone (session ended, request done): what it still had running is cancelled. */
  detach(channel: Channel): void {
    if (channel.sessionId !== undefined) this.sessions.delete(channel.sessionId);
    const pending = this.byClientId.get(channel);
    this.byClientId.delete(channel);
    for (const id of pending?.values() ?? []) this.cancel(id, "the client went away");
    for (const [id, owner] of this.asked) if (owner === channel) this.asked.delete(id);
  }

  /** Cancels what a channel's client asked and no longer waits for (it hung up, JSON mode). */
  cancelAll(channel: Channel, reason: string): void {
    for (const id of [...(this.byClientId.get(channel)?.values() ?? [])]) this.cancel(id, reason);
  }

  private receive(
    channel: Channel,
    message: JSONRPCMessage,
    extra: MessageExtraInfo | undefined,
    finish: (request: JSONRPCMessage) => Finish,
  ) {
    if (isRequest(message)) {
      const id = ++this.nextId;
      const call = callContext.getStore();
      const entry: InFlight = {
        channel,
        clientId: message.id,
        request: message,
        call,
        finish: finish(message),
      };
      this.inFlight.set(id, entry);
      let ids = this.byClientId.get(channel);
      if (!ids) {
        ids = new Map();
        this.byClientId.set(channel, ids);
      }
      ids.set(message.id, id);
      if (call) this.callRequests.set(call, [...(this.callRequests.get(call) ?? []), id]);
      this.observer?.requested(message, call);
      this.onmessage?.({ ...message, id }, extra);
      return;
    }
    if (isResult(message) || isError(message)) {
      // Only the client asked may answer: another session cannot answer someone's elicitation.
      const id = message.id;
      if (id === undefined || this.asked.get(id) !== channel) return;
      this.asked.delete(id);
      this.onmessage?.(message, extra);
      return;
    }
    if (isNotification(message) && message.method === "notifications/cancelled") {
      const clientId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      const id = clientId === undefined ? undefined : this.byClientId.get(channel)?.get(clientId);
      if (id === undefined) return;
      this.onmessage?.({ ...message, params: { ...message.params, requestId: id } }, extra);
      return;
    }
    this.onmessage?.(message, extra);
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (isResult(message) || isError(message)) {
      const id = typeof message.id === "number" ? message.id : undefined;
      const entry = id === undefined ? undefined : this.inFlight.get(id);
      // Gone: cancelled, its client hung up, or the server is closing.
      if (id === undefined || !entry) return;
      this.forget(id, entry);
      if (isResult(message)) this.subscribed(entry);
      const reply = entry.finish({ ...message, id: entry.clientId });
      this.observer?.replied(entry.request, reply, entry.call);
      await this.deliver(entry.channel, reply);
      return;
    }
    // About the server, never one request: however it is sent, every session (or subscriber).
    if (isNotification(message) && message.method.endsWith("/list_changed"))
      return this.broadcast(message);
    if (isNotification(message) && message.method === "notifications/resources/updated")
      return this.broadcast(message, String(message.params?.uri));
    const related = options?.relatedRequestId;
    if (related !== undefined) {
      // About a request: to its client, or nowhere once it is over (never to anyone else).
      const entry = typeof related === "number" ? this.inFlight.get(related) : undefined;
      if (entry) await this.toRequest(entry, message);
      else if (isRequest(message))
        throw new Error(`cannot send ${message.method}: the request it is about is over`);
      return;
    }
    const call = callContext.getStore();
    if (call) {
      // Sent while serving a request, without saying which: that request's client.
      const entry = this.servedBy(call);
      if (entry) return this.toRequest(entry, message);
      const session = call.session ? this.sessions.get(call.session.id) : undefined;
      if (session && !isRequest(message)) await this.deliver(session, message);
      else if (isRequest(message)) throw noClient(message.method);
      return;
    }
    if (isRequest(message)) throw noClient(message.method);
    // About no request at all: every session's stream.
    await this.broadcast(message);
  }

  /** To every session's stream; with `uri`, only to the sessions subscribed to it. */
  private async broadcast(message: JSONRPCMessage, uri?: string): Promise<void> {
    const to = [...this.sessions.values()].filter(
      (channel) => uri === undefined || this.subscriptions.get(channel)?.has(uri),
    );
    await Promise.all(to.map((channel) => this.deliver(channel, message)));
  }

  /** Keeps a session's subscriptions as the server accepted them. */
  private subscribed({ channel, request }: InFlight): void {
    if (request.method !== "resources/subscribe" && request.method !== "resources/unsubscribe")
      return;
    const uri = (request as { params?: { uri?: unknown } }).params?.uri;
    if (typeof uri !== "string" || channel.sessionId === undefined) return;
    let uris = this.subscriptions.get(channel);
    if (!uris) {
      uris = new Set();
      this.subscriptions.set(channel, uris);
    }
    if (request.method === "resources/subscribe") uris.add(uri);
    else uris.delete(uri);
  }

  /** The sessions subscribed to `uri` now (their `resources/subscribe` answered ok). */
  subscribersOf(uri: string): string[] {
    return [...this.sessions]
      .filter(([, channel]) => this.subscriptions.get(channel)?.has(uri))
      .map(([id]) => id);
  }

  /** A message for one session's stream, about no request of it (an elicitation completed). */
  async toSession(sessionId: string, message: JSONRPCMessage): Promise<boolean> {
    const channel = this.sessions.get(sessionId);
    if (!channel) return false;
    await this.deliver(channel, message);
    return true;
  }

  private async toRequest(entry: InFlight, message: JSONRPCMessage): Promise<void> {
    if (isRequest(message)) this.asked.set(message.id, entry.channel);
    await this.deliver(entry.channel, entry.finish(message), { relatedRequestId: entry.clientId });
  }

  /** The request of `call` still in flight, if any (the first, for a batch). */
  private servedBy(call: CallContext): InFlight | undefined {
    for (const id of this.callRequests.get(call) ?? []) {
      const entry = this.inFlight.get(id);
      if (entry) return entry;
    }
    return undefined;
  }

  private async deliver(channel: Channel, message: JSONRPCMessage, options?: TransportSendOptions) {
    try {
      await channel.transport.send(message, options);
    } catch (error) {
      // The client's stream is gone (it hung up without a session to resume): nothing to do
      // but say so; the request itself was cancelled with its channel.
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private cancel(id: number, reason: string): void {
    const entry = this.inFlight.get(id);
    if (!entry) return;
    this.forget(id, entry);
    this.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: id, reason },
    });
  }

  private forget(id: number, entry: InFlight): void {
    this.inFlight.delete(id);
    this.byClientId.get(entry.channel)?.delete(entry.clientId);
  }
}

const noClient = (method: string) =>
  new Error(`no client to send ${method} to: send it while serving one of its requests`);

export function errorReply(id: RequestId, code: number, message: string): JSONRPCMessage {
  return { jsonrpc: "2.0", id, error: { code, message } };
}
