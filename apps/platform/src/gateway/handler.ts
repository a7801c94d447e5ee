import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  CONTEXT_HEADER,
  crossOriginProblem,
  mcpCorsHeaders,
  mintContext,
  runtimeSecretFor,
} from "@gumstack/runtime";
import type { Services } from "../env.js";
import { gatewayAuthenticator } from "./authenticate.js";
import { preflight } from "./cors.js";
import { forward } from "./forward.js";
import { requestHeaders, responseHeaders, SESSION_HEADER } from "./headers.js";
import { readAll } from "./read-all.js";
import { reply } from "./reply.js";
import { ServerIds } from "./server-ids.js";
import { type HostedSession, SessionIds } from "./session-ids.js";
import { relayStream } from "./stream.js";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Answers with a length up to this are read whole and sent in one write; larger ones stream. */
const MAX_BUFFERED_REPLY = 1024 * 1024;
// The server's name, then any query, which passes on as it is.
const PATH = /^\/mcp\/([a-z0-9][a-z0-9-]{0,62})\/?(\?.*)?$/;
const NO_SESSION = "Session not found: initialize again";

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
  const { database, runner, vault, now, log, mcpOrigins } = services;
  const authenticate = gatewayAuthenticator(services);
  const serverIds = new ServerIds(database.db, now);
  const sessionIds = new SessionIds(vault);
  const secrets = new Map<string, string>();
  const secretOf = (serverId: string) => {
    let secret = secrets.get(serverId);
    if (secret === undefined) {
      secret = runtimeSecretFor(vault, serverId);
      secrets.set(serverId, secret);
    }
    return secret;
  };

  async function relay(
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
      method === "GET" || method === "HEAD" ? undefined : await readAll(req, MAX_BODY_BYTES);
    if (body === null) {
      // The rest is not read: this connection cannot carry another request.
      return reply(res, 413, -32000, `Payload Too Large: at most ${MAX_BODY_BYTES} bytes`, {
        ...cors(),
        connection: "close",
      });
    }
    const lease = runner.acquire(serverId);
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
    const { request: outgoing, response } = forward(
      lease.url,
      `/mcp${query}`,
      method,
      headers,
      body,
    );
    // Until the answer's head is in: the client leaving, or the drain's deadline, ends the wait.
    let cut = false;
    let gone = false;
    const hangUp = () => {
      gone = true;
      outgoing.destroy();
    };
    const cutOff = () => {
      cut = true;
      outgoing.destroy();
    };
    res.once("close", hangUp);
    const stopListening = lease.onCutOff(cutOff);
    const settle = () => {
      res.removeListener("close", hangUp);
      stopListening();
    };
    try {
      const upstream = await response;
      upstream.once("close", () => lease.release());
      const out = responseHeaders(upstream.headers, cors());
      const hosted = upstream.headers[SESSION_HEADER];
      if (typeof hosted === "string") {
        out[SESSION_HEADER] =
          session?.hostedId === hosted && given !== undefined
            ? given
            : sessionIds.mint(owner, { deploymentId: lease.deploymentId, hostedId: hosted });
      }
      const status = upstream.statusCode ?? 502;
      const length = Number(upstream.headers["content-length"]);
      if (Number.isSafeInteger(length) && length <= MAX_BUFFERED_REPLY) {
        // A whole JSON answer (the usual case): head and body leave in one write, not chunked.
        const whole = await readAll(upstream, length);
        if (whole === null) throw new Error("the server sent more than its content-length");
        out["content-length"] = String(whole.length);
        settle();
        res.writeHead(status, out);
        res.end(whole);
        return;
      }
      settle();
      // No proxy after us may hold events back. The head leaves with the first event when that
      // came with it (one write), else at once: a GET stream may have nothing to say for
      // minutes, and its client waits for the head.
      if (out["content-type"]?.startsWith("text/event-stream")) out["x-accel-buffering"] = "no";
      res.writeHead(status, out);
      if (upstream.readableLength === 0) res.flushHeaders();
      relayStream(upstream, res, lease, (how, error) => {
        if (how !== "ended")
          log.debug("a relayed stream ended early", { server: name, requestId, how, error });
      });
    } catch (error) {
      settle();
      lease.release();
      if (gone) {
        log.debug("the client went away before the server answered", { server: name, requestId });
        return;
      }
      if (cut) {
        if (!res.headersSent)
          reply(res, 503, -32000, `${name} was redeployed while this call ran; try again`, cors());
        else res.destroy();
        return;
      }
      log.warn("gateway could not reach a server", { server: name, requestId, error });
      if (!res.headersSent) reply(res, 502, -32000, `${name} did not answer; try again`, cors());
      else res.destroy();
    }
  }

  return function gateway(req, res) {
    const match = PATH.exec(req.url ?? "");
    if (!match?.[1]) return false;
    relay(req, res, match[1], match[2] ?? "").catch((error: unknown) => {
      log.error("gateway error", { error });
      if (!res.headersSent) reply(res, 500, -32603, "something went wrong on our side");
      else res.destroy();
    });
    return true;
  };
}
