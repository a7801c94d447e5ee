import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  CLIENT_GONE,
  CONTEXT_HEADER,
  crossOriginProblem,
  mcpCorsHeaders,
  mintContext,
  readBody,
  runtimeSecretFor,
} from "@gumstack/runtime";
import type { Services } from "../env.js";
import type { Lease } from "../runner/index.js";
import { gatewayAuthenticator } from "./authenticate.js";
import { preflight } from "./cors.js";
import { requestHeaders, responseHeaders, SESSION_HEADER } from "./headers.js";
import { relay } from "./relay.js";
import { reply, replyToRequests } from "./reply.js";
import { ServerIds } from "./server-ids.js";
import { type HostedSession, SessionIds } from "./session-ids.js";
import { Upstreams } from "./upstream/pool.js";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
// The server's name, then any query, which passes on as it is.
const PATH = /^\/mcp\/([a-z0-9][a-z0-9-]{0,62})\/?(\?.*)?$/;
const NO_SESSION = "Session not found: initialize again";
// MCP 2025-11-25: the request needs the user to visit a URL first.
const URL_ELICITATION_REQUIRED = -32042;

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
};

/**
 * /mcp/<server>, served below the web framework: a call is relayed, so it is piped through as
 * bytes with no Request or Response objects built for it (that was most of the gateway's cost).
 * All of Streamable HTTP passes: POST answered as JSON or as an SSE stream, GET streams, DELETE,
 * and any method, body or `Mcp-*` header it does not know. It answers CORS preflights, refuses
 * other sites' pages, authenticates the API key, routes a session to the deployment that holds
 * it, mints a signed context (user, server, request; 15 minutes at most) and relays to the server's
 * running process; the lease keeps that process alive through a redeploy until the answer is
 * done, or the drain's deadline cuts it off. Returns false for any other path.
 */
export function createGateway(
  services: Services,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { database, runner, proxied, vault, now, log, mcpOrigins } = services;
  const authenticate = gatewayAuthenticator(services);
  const serverIds = new ServerIds(database.db, now);
  const sessionIds = new SessionIds(vault);
  const upstreams = new Upstreams();
  const secrets = new Map<string, string>();
  const secretOf = (serverId: string) => {
    let secret = secrets.get(serverId);
    if (secret === undefined) {
      secret = runtimeSecretFor(vault, serverId);
      secrets.set(serverId, secret);
    }
    return secret;
  };

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    query: string,
  ): Promise<void> {
    const origin = header(req, "origin");
    // Before the key: a page on another site must not use a browser's reach (DNS rebinding).
    const crossOrigin = crossOriginProblem(
      { origin, secFetchSite: header(req, "sec-fetch-site") },
      mcpOrigins,
    );
    if (crossOrigin) {
      return reply(
        res,
        403,
        -32000,
        `Forbidden: ${crossOrigin} (GUMSTACK_MCP_ALLOWED_ORIGINS lists the browser origins allowed)`,
      );
    }
    const method = req.method ?? "GET";
    if (method === "OPTIONS") return preflight(req, res, origin);
    // An allowed origin's page may read every answer from here on, errors included.
    const cors = (): Record<string, string> => (origin === undefined ? {} : mcpCorsHeaders(origin));
    const caller = await authenticate(req.headers.authorization, name, query);
    if (caller.userId === null) {
      return reply(res, caller.status, -32001, caller.message, {
        ...cors(),
        "www-authenticate": caller.challenge,
      });
    }
    const { userId } = caller;
    const serverId = await serverIds.byName(name);
    if (!serverId) return reply(res, 404, -32001, `no server named ${name}`, cors());
    const owner = { userId, serverId };
    const given = header(req, SESSION_HEADER);
    let session: HostedSession | undefined;
    if (given !== undefined) {
      // Forged, another user's or another server's: as unknown as an ended one.
      session = sessionIds.open(owner, given);
      if (!session) return reply(res, 404, -32001, NO_SESSION, cors());
    }
    // MCP bodies are small JSON: read whole (bounded), then sent with a length, not chunked.
    const body =
      method === "GET" || method === "HEAD" ? undefined : await readBody(req, MAX_BODY_BYTES);
    if (body === CLIENT_GONE) {
      // It left before its request was whole: nothing to relay, no one to answer.
      res.destroy();
      return;
    }
    if (body === null) {
      // The rest is not read: this connection cannot carry another request.
      return reply(res, 413, -32000, `Payload Too Large: at most ${MAX_BODY_BYTES} bytes`, {
        ...cors(),
        connection: "close",
      });
    }
    let lease: Lease | undefined;
    if (proxied.has(serverId)) {
      // A GET stream is a connected client waiting, not a call: it keeps no process from idling.
      const acquired = await proxied.acquire(serverId, userId, method !== "GET");
      if ("authRequired" in acquired) {
        // The server cannot start for this user until they give what it needs: the spec's
        // "URL elicitation required" error, which names the link (any client can show it).
        const { url, message } = acquired.authRequired;
        return replyToRequests(
          res,
          body,
          {
            code: URL_ELICITATION_REQUIRED,
            message,
            data: { elicitations: [{ mode: "url", elicitationId: randomUUID(), url, message }] },
          },
          403,
          cors(),
        );
      }
      if ("unavailable" in acquired) {
        return reply(res, 503, -32000, acquired.unavailable, {
          ...cors(),
          "retry-after": String(acquired.retryAfterSeconds),
        });
      }
      lease = acquired.lease;
    } else {
      lease = runner.acquire(serverId);
    }
    if (!lease)
      return reply(
        res,
        503,
        -32000,
        `${name} is not running right now (starting, restarting or stopped); try again shortly`,
        cors(),
      );
    if (session && session.deploymentId !== lease.deploymentId) {
      // The process that held it was replaced: the client starts a session on the new one.
      lease.release();
      return reply(res, 404, -32001, `${NO_SESSION} (${name} was redeployed)`, cors());
    }
    const requestId = randomUUID();
    const headers = requestHeaders(req.headers, {
      [CONTEXT_HEADER]: mintContext(secretOf(serverId), { userId, serverId, requestId }, now()),
      "x-request-id": requestId,
    });
    if (session) headers[SESSION_HEADER] = session.hostedId;
    relay(
      upstreams,
      { method, path: `/mcp${query}`, headers, body },
      {
        res,
        lease,
        log,
        server: name,
        requestId,
        headersFor: (head) => {
          const out = responseHeaders(head.headers, cors());
          const hosted = head.headers[SESSION_HEADER];
          if (hosted !== undefined) {
            out[SESSION_HEADER] =
              session?.hostedId === hosted && given !== undefined
                ? given
                : sessionIds.mint(owner, { deploymentId: lease.deploymentId, hostedId: hosted });
          }
          return out;
        },
      },
    );
  }

  return function gateway(req, res) {
    const match = PATH.exec(req.url ?? "");
    if (!match?.[1]) return false;
    handle(req, res, match[1], match[2] ?? "").catch((error: unknown) => {
      log.error("gateway error", { error });
      if (!res.headersSent) reply(res, 500, -32603, "something went wrong on our side");
      else res.destroy();
    });
    return true;
  };
}
