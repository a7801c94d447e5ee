import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import {
  CONTEXT_HEADER,
  crossOriginProblem,
  mintContext,
  runtimeSecretFor,
} from "@gumstack/runtime";
import type { Services } from "../env.js";
import { forward } from "./forward.js";
import { ServerIds } from "./server-ids.js";

// What the gateway passes on, each way; everything else (cookies, the caller's key) stays here.
const REQUEST_HEADERS = [
  "content-type",
  "accept",
  "mcp-protocol-version",
  "last-event-id",
  "origin",
];
const RESPONSE_HEADERS = ["content-type", "cache-control", "allow"];
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Answers with a length up to this are read whole and sent in one write; larger ones stream. */
const MAX_BUFFERED_REPLY = 1024 * 1024;
const PATH = /^\/mcp\/([a-z0-9][a-z0-9-]{0,62})\/?(?:\?.*)?$/;

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
};

function reply(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } }));
}

/**
 * A whole message, or null past `limit` bytes. Events rather than `for await`: on a path taken
 * twice per call, the async iterator's machinery is measurable.
 */
function readAll(stream: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stream.removeAllListeners("data");
        stream.resume();
        resolve(null);
      } else chunks.push(chunk);
    });
    stream.once("end", () => resolve(size > limit ? null : Buffer.concat(chunks, size)));
    stream.once("error", reject);
  });
}

/**
 * /mcp/<server>, served below the web framework: a call is relayed, so it is piped through as
 * bytes with no Request or Response objects built for it (that was most of the gateway's cost).
 * It authenticates the API key, mints a signed context (user, server, request; 15 minutes at most) and
 * relays to the server's running process; the lease keeps that process alive through a
 * redeploy until the answer is done. Returns false for any other path.
 */
export function createGateway(
  services: Services,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { apiKeys, database, runner, vault, now, log, mcpOrigins } = services;
  const serverIds = new ServerIds(database.db, now);
  const secrets = new Map<string, string>();
  const secretOf = (serverId: string) => {
    let secret = secrets.get(serverId);
    if (secret === undefined) {
      secret = runtimeSecretFor(vault, serverId);
      secrets.set(serverId, secret);
    }
    return secret;
  };

  async function relay(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    // Before the key: a page on another site must not use a browser's reach (DNS rebinding).
    const crossOrigin = crossOriginProblem(
      { origin: req.headers.origin, secFetchSite: header(req, "sec-fetch-site") },
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
    const userId = await apiKeys.verify(req.headers.authorization);
    if (userId === null) {
      return reply(res, 401, -32001, "Unauthorized: send Authorization: Bearer <your API key>", {
        "www-authenticate": 'Bearer realm="gumstack"',
      });
    }
    const serverId = await serverIds.byName(name);
    if (!serverId) return reply(res, 404, -32001, `no server named ${name}`);
    const method = req.method ?? "GET";
    // MCP bodies are small JSON: read whole (bounded), then sent with a length, not chunked.
    const body =
      method === "GET" || method === "HEAD" ? undefined : await readAll(req, MAX_BODY_BYTES);
    if (body === null) {
      // The rest is not read: this connection cannot carry another request.
      return reply(res, 413, -32000, `Payload Too Large: at most ${MAX_BODY_BYTES} bytes`, {
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
      );
    const requestId = randomUUID();
    const headers: Record<string, string> = {
      [CONTEXT_HEADER]: mintContext(secretOf(serverId), { userId, serverId, requestId }, now()),
      "x-request-id": requestId,
    };
    for (const name of REQUEST_HEADERS) {
      const value = header(req, name);
      if (value !== undefined) headers[name] = value;
    }
    const hungUp = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) hungUp.abort();
    });
    try {
      const upstream = await forward(`${lease.url}/mcp`, method, headers, body, hungUp.signal);
      upstream.once("close", () => lease.release());
      const out: Record<string, string> = {};
      for (const header of RESPONSE_HEADERS) {
        const value = upstream.headers[header];
        if (typeof value === "string") out[header] = value;
      }
      const length = Number(upstream.headers["content-length"]);
      if (Number.isSafeInteger(length) && length <= MAX_BUFFERED_REPLY) {
        // A whole JSON answer (the usual case): head and body leave in one write, not chunked.
        const reply = await readAll(upstream, length);
        if (reply === null) throw new Error("the server sent more than its content-length");
        out["content-length"] = String(reply.length);
        res.writeHead(upstream.statusCode ?? 502, out);
        res.end(reply);
        return;
      }
      res.writeHead(upstream.statusCode ?? 502, out);
      // A stream (SSE) is passed on as it comes. pipeline, not pipe: a server that dies
      // mid-answer must not leave the client hanging.
      pipeline(upstream, res, (error) => {
        if (error) log.debug("a relayed answer ended early", { server: name, requestId, error });
      });
    } catch (error) {
      lease.release();
      if (hungUp.signal.aborted) {
        log.debug("the client went away before the server answered", { server: name, requestId });
        return;
      }
      log.warn("gateway could not reach a server", { server: name, requestId, error });
      if (!res.headersSent) reply(res, 502, -32000, `${name} did not answer; try again`);
      else res.destroy();
    }
  }

  return function gateway(req, res) {
    const match = PATH.exec(req.url ?? "");
    if (!match?.[1]) return false;
    relay(req, res, match[1]).catch((error: unknown) => {
      log.error("gateway error", { error });
      if (!res.headersSent) reply(res, 500, -32603, "something went wrong on our side");
      else res.destroy();
    });
    return true;
  };
}
