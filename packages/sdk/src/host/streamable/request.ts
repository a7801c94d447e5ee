import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_GONE, readBody } from "@gumstack/runtime/core";
import { jsonRpcError } from "./http.js";

/**
 * What /mcp reads of a request. Served by Node (as GumstackHost and the bridge are), it is read
 * from Node's own IncomingMessage: reading a header of Hono's request builds a whole web Request
 * (its Headers, an AbortController, a body stream over the socket), which cost a quick call more
 * than the rest of what /mcp does for it. Anywhere else, a web Request.
 */
export interface McpRequest {
  readonly method: string;
  /** The whole URL. */
  readonly url: string;
  /** A header by its lower-case name; a repeated one's values joined with ", ". */
  header(name: string): string | undefined;
  /** Every header, names in lower case. */
  headers(): Iterable<[string, string]>;
  /**
   * The body as text, or null past `limit` bytes (the rest is then not read). Rejects with
   * ClientGoneError if the client goes away before it is whole.
   */
  text(limit: number): Promise<string | null>;
  /** Calls `listener` if the client goes away before its answer is sent; returns what stops listening. */
  onHangUp(listener: () => void): () => void;
}

/** The client went away before its request was whole: there is no one to answer. */
export class ClientGoneError extends Error {
  override readonly name = "ClientGoneError";
}

/** What @hono/node-server passes a fetch handler as its `env`: Node's request and response. */
type NodeBindings = { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;

/** A Hono context's request: Node's own when @hono/node-server serves it, else the web one. */
export function mcpRequestOf(c: { req: { raw: Request; url: string }; env: unknown }): McpRequest {
  const env = c.env as NodeBindings;
  if (env?.incoming && env.outgoing) return nodeRequest(env.incoming, env.outgoing, c.req.url);
  return webRequest(c.req.raw);
}

/** A web fetch handler, as @hono/node-server (and Bun, Deno, workers) call one. */
export interface FetchApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

/**
 * `app`, with `/mcp` answered by `mcp` before Hono sees it when Node serves the request (as
 * `run()`, a hosted server and the bridge do): Hono's routing, its context and the middleware
 * cost a quick call 5–10% of its CPU (README, "Decisions"), and /mcp needs none of them.
 * Without Node's request at hand (the app mounted in another server), `app`'s own /mcp route
 * answers, the same way. An error thrown on the way is logged by `onError` and answered 500
 * with a JSON-RPC error, as the client expects of /mcp.
 */
export function mcpBelow(
  app: FetchApp,
  mcp: (request: McpRequest) => Response | Promise<Response>,
  onError: (error: unknown) => void,
): FetchApp {
  const answer = async (request: McpRequest) => {
    try {
      return await mcp(request);
    } catch (error) {
      onError(error);
      return jsonRpcError(500, -32603, "Internal error: something went wrong on our side");
    }
  };
  return {
    fetch: (request, env) => {
      const node = env as NodeBindings;
      const path = node?.incoming?.url;
      if (node?.incoming && node.outgoing && (path === "/mcp" || path?.startsWith("/mcp?")))
        return answer(nodeRequest(node.incoming, node.outgoing, request.url));
      return app.fetch(request, env);
    },
  };
}

export function nodeRequest(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  url: string,
): McpRequest {
  return new NodeRequest(incoming, outgoing, url);
}

/** A class, not an object of closures: one request per call, so its methods are made once. */
class NodeRequest implements McpRequest {
  readonly method: string;

  constructor(
    private readonly incoming: IncomingMessage,
    private readonly outgoing: ServerResponse,
    readonly url: string,
  ) {
    this.method = incoming.method ?? "GET";
  }

  header(name: string): string | undefined {
    const value = this.incoming.headers[name];
    return value === undefined || typeof value === "string" ? value : value.join(", ");
  }

  *headers(): Iterable<[string, string]> {
    const { headers } = this.incoming;
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined) yield [name, typeof value === "string" ? value : value.join(", ")];
    }
  }

  async text(limit: number): Promise<string | null> {
    const body = await readBody(this.incoming, limit);
    if (body === CLIENT_GONE)
      throw new ClientGoneError("the client went away before its request was whole");
    return body === null ? null : body.toString("utf8");
  }

  onHangUp(listener: () => void): () => void {
    const { outgoing } = this;
    const closed = () => {
      if (!outgoing.writableFinished) listener();
    };
    outgoing.once("close", closed);
    return () => outgoing.off("close", closed);
  }
}

export function webRequest(request: Request): McpRequest {
  return {
    method: request.method,
    url: request.url,
    header: (name) => request.headers.get(name) ?? undefined,
    headers: () => request.headers,
    async text(limit) {
      if (Number(request.headers.get("content-length") ?? 0) > limit) return null;
      const text = await request.text().catch((error: unknown) => {
        throw request.signal.aborted
          ? new ClientGoneError("the client went away before its request was whole", {
              cause: error,
            })
          : error;
      });
      return Buffer.byteLength(text) > limit ? null : text;
    },
    onHangUp(listener) {
      request.signal.addEventListener("abort", listener, { once: true });
      return () => request.signal.removeEventListener("abort", listener);
    },
  };
}
