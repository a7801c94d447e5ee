import { randomUUID } from "node:crypto";
import type { Logger } from "@gumstack/log";
import { crossOriginProblem, MCP_METHODS } from "@gumstack/runtime/core";
import type { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { JSONRPCMessage, RequestInfo } from "@modelcontextprotocol/sdk/types.js";
import { type CallContext, type CredentialSource, callContext } from "../../context.js";
import { CallerText, redactReply } from "../redact.js";
import { corsHeaders, jsonRpcError, preflight, watchBody } from "./http.js";
import { ClientGoneError, type McpRequest } from "./request.js";
import type { Channel, Finish, Router } from "./router.js";
import { type Session, type Sessions, SessionsFullError } from "./sessions.js";
import { StatelessExchange } from "./stateless.js";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
// What the tools see of the request: not the caller's key, cookie or the platform's context.
const HIDDEN_HEADERS = ["authorization", "cookie", "x-gumstack-context"];

export interface McpEndpoint {
  router: Router;
  sessions: Sessions;
  serverId: string;
  source: CredentialSource;
  log: Logger;
  /** Who the request is from; null is answered with 401, a refusal with 403. */
  authenticate(request: McpRequest): Promise<Authenticated>;
  /** What a 401 tells the client in `WWW-Authenticate`. */
  challenge: string;
  /**
   * Browser origins that may call (ours and the configured ones); another `Origin` is a 403.
   * Unset for a hosted server: the platform's gateway checked it before relaying.
   */
  origins?: ReadonlySet<string>;
}

/** How what a request's handlers send is cleaned before it leaves: credentials removed. */
export function redactingFinish(log: Logger): (request: JSONRPCMessage) => Finish {
  return (request) => {
    const call = callContext.getStore();
    if (!call) return (message) => message;
    let callerSent: CallerText | undefined;
    return (message) => {
      if (call.handedOut.size === 0) return message;
      callerSent ??= new CallerText(request);
      const { reply, redacted } = redactReply(message, call.handedOut, callerSent);
      if (redacted > 0) {
        log.warn("removed credentials from a tool's reply", {
          requestId: call.requestId,
          redacted,
        });
      }
      return reply;
    };
  };
}

/**
 * `/mcp`, all of Streamable HTTP: POST (JSON or an SSE stream, as the client accepts), GET (a
 * session's stream of server-initiated messages), DELETE (ends a session), OPTIONS (CORS).
 * An `initialize` opens a session; a request without one is served on its own, statelessly. The
 * SDK's transport speaks the wire; this decides who may, which session, and who the request is
 * for (the call context every tool's getCredentials() reads).
 */
export async function handleMcpRequest(
  endpoint: McpEndpoint,
  request: McpRequest,
): Promise<Response> {
  const origin = request.header("origin") ?? null;
  if (endpoint.origins) {
    const problem = crossOriginProblem(
      { origin, secFetchSite: request.header("sec-fetch-site") ?? null },
      endpoint.origins,
    );
    if (problem) return jsonRpcError(403, -32000, `Forbidden: ${problem}`);
  }
  const cors = corsHeaders(origin);
  if (request.method === "OPTIONS") return preflight(request);
  if (!["POST", "GET", "DELETE"].includes(request.method)) {
    return jsonRpcError(405, -32000, "Method not allowed", { ...cors, allow: MCP_METHODS });
  }
  const identity = await endpoint.authenticate(request);
  if (identity === null) {
    return jsonRpcError(401, -32001, "Unauthorized: send Authorization: Bearer <your API key>", {
      ...cors,
      "www-authenticate": endpoint.challenge,
    });
  }
  if ("refused" in identity)
    return jsonRpcError(403, -32000, `Forbidden: ${identity.refused}`, cors);
  const sessionId = request.header("mcp-session-id");
  let session: Session | undefined;
  if (sessionId !== undefined) {
    session = endpoint.sessions.get(sessionId);
    // Another user's session is as unknown as an ended one.
    if (!session || session.userId !== identity.userId) {
      return jsonRpcError(404, -32001, "Session not found: initialize again", cors);
    }
  }
  let body: unknown;
  if (request.method === "POST") {
    let text: string | null;
    try {
      text = await request.text(MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof ClientGoneError)) throw error;
      // Nobody reads this: it only ends the exchange (499, "client closed request").
      return new Response(null, { status: 499 });
    }
    if (text === null)
      return jsonRpcError(413, -32000, `Payload Too Large: at most ${MAX_BODY_BYTES} bytes`, cors);
    try {
      body = JSON.parse(text);
    } catch {
      return jsonRpcError(400, -32700, "Parse error: the body is not JSON", cors);
    }
  }
  const accept = request.header("accept") ?? "*/*";
  const streams = accept.includes("text/event-stream");
  // By its method: the SDK's transport checks the whole of it, and refuses a malformed one.
  const initialize = (Array.isArray(body) ? body : [body]).some(isInitialize);
  let channel: Channel;
  let opened: Session | undefined;
  if (session) {
    if (session.json === false && !streams && request.method === "POST") {
      return jsonRpcError(
        406,
        -32000,
        "Not Acceptable: this session streams its replies (it was initialized accepting text/event-stream)",
        cors,
      );
    }
    channel = session.channel;
  } else if (initialize) {
    try {
      opened = await endpoint.sessions.open(identity.userId, !streams);
    } catch (error) {
      if (!(error instanceof SessionsFullError)) throw error;
      return jsonRpcError(503, -32000, `Service Unavailable: ${error.message}; try again shortly`, {
        ...cors,
        "retry-after": "5",
      });
    }
    channel = opened.channel;
  } else if (request.method === "POST") {
    if (!streams && !/application\/json|\*\/\*/.test(accept))
      return jsonRpcError(406, -32000, "Not Acceptable: accept application/json", cors);
    return serveStateless(endpoint, request, callOf(endpoint, identity, request), body, {
      streams,
      cors,
    });
  } else {
    return jsonRpcError(
      400,
      -32000,
      `Bad Request: ${request.method} needs the Mcp-Session-Id of a session (initialize first)`,
      cors,
    );
  }
  const current = (session ?? opened) as Session;
  const call = callOf(endpoint, identity, request, current);
  current.busy++;
  current.lastSeen = Date.now();
  const hungUp = () => {
    // A client gone from a JSON answer: its calls stop. A stream can be resumed: they go on.
    if (current.json) endpoint.router.cancelAll(channel, "the client closed the request");
  };
  const forget = request.onHangUp(hungUp);
  let response: Response;
  try {
    response = await callContext.run(call, () =>
      (channel.transport as WebStandardStreamableHTTPServerTransport).handleRequest(
        forwardedRequest(request, streams),
        body === undefined ? undefined : { parsedBody: body },
      ),
    );
  } catch (error) {
    current.busy--;
    throw error;
  }
  if (opened) {
    // Listed once its client has it; a failed initialize leaves nothing behind.
    if (response.ok && response.headers.get("mcp-session-id") === opened.id)
      endpoint.sessions.opened(opened);
    else await endpoint.sessions.end(opened);
  }
  return watchBody(
    response,
    cors,
    (how) => {
      forget();
      current.busy--;
      current.lastSeen = Date.now();
      if (how === "cancelled") hungUp();
    },
    // A POST's answer is about its requests, so usually soon over: sent whole when it is. A
    // GET stream waits for what the server has to say: its head goes out at once.
    request.method === "POST",
  );
}

const isInitialize = (value: unknown) =>
  typeof value === "object" &&
  value !== null &&
  (value as { method?: unknown }).method === "initialize" &&
  "id" in value;

type Identity = { userId: string; context?: string; deadline?: number };

/**
 * What authentication found: who the request is for, no one (null: 401), or someone known who
 * may not use this server (`refused` says why, in a 403).
 */
export type Authenticated = Identity | { refused: string } | null;

/**
 * Who a request is for, and what its tools' getCredentials() reads. Its id is the one the
 * request brought, or one made when something first asks (a log line): most calls never do.
 */
function callOf(
  endpoint: McpEndpoint,
  identity: Identity,
  request: McpRequest,
  session?: Session,
): CallContext {
  let requestId = request.header("x-request-id");
  const call: CallContext = {
    userId: identity.userId,
    serverId: endpoint.serverId,
    get requestId() {
      requestId ??= randomUUID();
      return requestId;
    },
    source: endpoint.source,
    handedOut: new Set(),
  };
  if (identity.context !== undefined) call.context = identity.context;
  if (identity.deadline !== undefined) call.deadline = identity.deadline;
  if (session) call.session = session;
  return call;
}

/**
 * A POST without a session: its own short-lived channel, answered without the SDK's transport
 * (see StatelessExchange). Its client hanging up cancels what it asked.
 */
async function serveStateless(
  endpoint: McpEndpoint,
  request: McpRequest,
  call: CallContext,
  body: unknown,
  { streams, cors }: { streams: boolean; cors: Record<string, string> },
): Promise<Response> {
  const exchange: StatelessExchange = new StatelessExchange({
    sse: streams,
    requestInfo: lazyRequestInfo(request),
    done: () => {
      forget();
      // Detaching cancels whatever of it is still running.
      void exchange.close();
    },
  });
  const forget = request.onHangUp(() => exchange.abandon());
  await endpoint.router.attach({ transport: exchange }, redactingFinish(endpoint.log));
  return callContext.run(call, () =>
    exchange.handle(body, request.header("mcp-protocol-version") ?? null, cors),
  );
}

/**
 * What its tools may read of the request (`extra.requestInfo`): its headers, without the
 * caller's key, cookie or context. Built only if a tool reads them: most never do.
 */
function lazyRequestInfo(request: McpRequest): RequestInfo {
  let headers: Record<string, string> | undefined;
  return {
    get headers() {
      headers ??= visibleHeaders(request);
      return headers;
    },
  };
}

function visibleHeaders(request: McpRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers())
    if (!HIDDEN_HEADERS.includes(name)) headers[name] = value;
  return headers;
}

/**
 * The request as the SDK's transport reads it: the body already parsed (so it is not read
 * twice), what the tools must not see left out, and a JSON-only client's Accept widened to what
 * the transport insists on (its replies still come as JSON: the channel was made so). Not a
 * whole web Request, whose Headers and body stream cost more than the transport's own work: the
 * transport reads its method, its url and its headers' get() and entries(), and nothing else
 * (SDK 1.32; the wire and conformance tests go through here and fail if it ever reads more).
 */
function forwardedRequest(request: McpRequest, streams: boolean): Request {
  const headers = visibleHeaders(request);
  if (!streams && request.method === "POST") headers.accept = "application/json, text/event-stream";
  const forwarded = {
    method: request.method,
    url: request.url,
    headers: {
      get: (name: string) => headers[name.toLowerCase()] ?? null,
      entries: () => Object.entries(headers)[Symbol.iterator](),
    },
  };
  return forwarded as unknown as Request;
}
