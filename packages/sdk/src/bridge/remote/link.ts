import type { Logger } from "@gumstack/log";
import { SSEClientTransport, SseError } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Undelivered, UpstreamLink } from "../relay.js";
import type { RemoteProxySpec } from "../spec.js";
import { describeFailure, RemoteConnectError, RemoteStatusError } from "./errors.js";
import { type RemoteFetch, remoteFetch } from "./fetch.js";

/** At a stop, how long the remote server gets to end the session (a DELETE). */
const TERMINATE_MS = 1_000;

/**
 * What the SDK's Streamable HTTP transport reports when an event stream broke (the connection
 * dropped mid-answer) or could not be resumed: the session's connection failed. Its other
 * errors are about one message, and come back where that message was sent too.
 */
const BROKEN_STREAM =
  /^(SSE stream disconnected|Maximum reconnection attempts|Failed to reconnect SSE stream)/;

export interface RemoteLinkOptions {
  spec: RemoteProxySpec;
  log: Logger;
  /** Each message of the remote server's. */
  message(message: JSONRPCMessage): void;
  /** A message the server did not take. */
  undelivered(message: JSONRPCMessage, why: Undelivered): void;
  /** The session's connection failed: nothing in flight on it will be answered. */
  lost(reason: string): void;
  /** The server answered a message 401 or 403: it refuses the credentials in the headers. */
  refused(): void;
}

/**
 * The bridge as one MCP client of a remote server, through the SDK's client transports, with
 * the configured headers and nothing of the caller's (neither their Authorization nor the
 * platform's context reaches the server: the bridge makes its own requests). One transport is
 * one upstream session; `reopen` replaces it, and messages of a replaced one are ignored.
 */
export class RemoteLink implements UpstreamLink {
  private transport: Transport | undefined;
  private closed = false;
  /**
   * The server answered 401 or 403 to the last message it did not take: it refuses the
   * credentials in the headers (the caller's, for a per-user bridge). Reset by a reopen.
   */
  credentialsRefused = false;
  private readonly http: RemoteFetch;

  constructor(private readonly o: RemoteLinkOptions) {
    this.http = remoteFetch({
      allowPrivate: o.spec.allowPrivate,
      headersTimeoutMs: o.spec.timeoutSeconds * 1_000,
    });
  }

  async reopen(): Promise<void> {
    if (this.closed) throw new Error("the bridge is stopping");
    this.drop();
    this.credentialsRefused = false;
    const transport = this.create();
    this.transport = transport;
    try {
      // Streamable HTTP: nothing on the wire yet. SSE: the event stream, until it names its endpoint.
      await transport.start();
    } catch (error) {
      if (this.transport === transport) this.drop();
      this.credentialsRefused = refusesCredentials(error instanceof Error ? error.cause : error);
      throw new Error(describeFailure(error), { cause: error });
    }
  }

  send(message: JSONRPCMessage): boolean {
    const transport = this.transport;
    if (this.closed || !transport) return false;
    transport.send(message).catch((error: unknown) => this.notSent(transport, message, error));
    return true;
  }

  /** The protocol version the handshake agreed: sent on each request after it, as MCP asks. */
  negotiated(protocolVersion: string): void {
    this.transport?.setProtocolVersion?.(protocolVersion);
  }

  /** The session ended at the server (best effort, bounded), the connections closed. */
  async close(): Promise<void> {
    this.closed = true;
    const transport = this.transport;
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, TERMINATE_MS);
      });
      await Promise.race([transport.terminateSession().catch(() => undefined), late]);
      clearTimeout(timer);
    }
    this.drop();
    await this.http.close();
  }

  private create(): Transport {
    const url = new URL(this.o.spec.url);
    const options = { requestInit: { headers: this.o.spec.headers }, fetch: this.http.fetch };
    const transport =
      this.o.spec.transport === "sse"
        ? new SSEClientTransport(url, options)
        : new StreamableHTTPClientTransport(url, options);
    transport.onmessage = (message) => {
      if (this.transport === transport) this.o.message(message);
    };
    transport.onerror = (error) => this.failed(transport, error);
    return transport;
  }

  private notSent(transport: Transport, message: JSONRPCMessage, error: unknown): void {
    if (this.transport !== transport) return;
    // Ours: the transport was closed (a new session, a stop) with this still on its way.
    if (error instanceof Error && error.name === "AbortError") return;
    if (error instanceof RemoteConnectError) {
      this.lose(error.message);
      return;
    }
    const reason = describeFailure(error);
    const status = error instanceof RemoteStatusError ? error.status : undefined;
    this.credentialsRefused = refusesCredentials(error);
    this.o.log.warn("the remote server did not take a message", {
      reason,
      ...("method" in message ? { method: message.method } : {}),
    });
    const expired = status === 404 && this.hasSession(transport);
    this.o.undelivered(message, { kind: expired ? "expired" : "refused", reason });
    if (this.credentialsRefused) this.o.refused();
  }

  /** A 404 means "unknown session" only once there is one. */
  private hasSession(transport: Transport): boolean {
    return transport instanceof SSEClientTransport || transport.sessionId !== undefined;
  }

  private failed(transport: Transport, error: Error): void {
    if (this.transport !== transport) return;
    // SSE: the one event stream broke, and reconnecting it would open another session unasked.
    if (error instanceof SseError) this.lose(describeFailure(error));
    else if (BROKEN_STREAM.test(error.message)) this.lose("the remote server's event stream broke");
    else this.o.log.debug("the remote server's transport", { reason: describeFailure(error) });
  }

  private lose(reason: string): void {
    this.o.log.error("the connection to the remote server failed", { reason });
    this.drop();
    this.o.lost(reason);
  }

  private drop(): void {
    const transport = this.transport;
    this.transport = undefined;
    transport?.close().catch(() => undefined);
  }
}

/** A 401 or 403: the credentials were refused (a retry with the same ones is refused too). */
function refusesCredentials(error: unknown): boolean {
  return error instanceof RemoteStatusError && (error.status === 401 || error.status === 403);
}
