import { randomUUID } from "node:crypto";
import { servers } from "@gumstack/db";
import { CONTEXT_HEADER, mintContext, runtimeSecretFor } from "@gumstack/runtime";
import { eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { releasedBody } from "../gateway/released-body.js";

// What the gateway passes on, each way; everything else (cookies, the caller's key) stays here.
const REQUEST_HEADERS = ["content-type", "accept", "mcp-protocol-version", "last-event-id"];
const RESPONSE_HEADERS = ["content-type", "cache-control", "allow"];

function jsonRpcError(
  c: Context<AppEnv>,
  status: 401 | 404 | 502 | 503,
  code: number,
  message: string,
) {
  if (status === 401) c.header("WWW-Authenticate", 'Bearer realm="gumstack"');
  return c.json({ jsonrpc: "2.0", id: null, error: { code, message } }, status);
}

/**
 * /mcp/:server: authenticates the MCP client's API key, mints a signed context (user, server,
 * request; one minute) and forwards the request to the server's running process, streaming the
 * answer back. The lease keeps the process alive through a redeploy until the answer is done.
 */
export function registerGateway(app: Hono<AppEnv>) {
  app.all("/mcp/:server", async (c) => {
    const { apiKeys, database, runner, vault, now, log } = c.var;
    const userId = await apiKeys.verify(c.req.header("authorization"));
    if (userId === null)
      return jsonRpcError(
        c,
        401,
        -32001,
        "Unauthorized: send Authorization: Bearer <your API key>",
      );
    const name = c.req.param("server");
    const [server] = await database.db
      .select({ id: servers.id })
      .from(servers)
      .where(eq(servers.name, name));
    if (!server) return jsonRpcError(c, 404, -32001, `no server named ${name}`);
    const lease = runner.acquire(server.id);
    if (!lease)
      return jsonRpcError(
        c,
        503,
        -32000,
        `${name} is not running right now (starting, restarting or stopped); try again shortly`,
      );

    const requestId = c.get("requestId") ?? randomUUID();
    const headers = new Headers({
      [CONTEXT_HEADER]: mintContext(
        runtimeSecretFor(vault, server.id),
        { userId, serverId: server.id, requestId },
        now(),
      ),
      "x-request-id": requestId,
    });
    for (const header of REQUEST_HEADERS) {
      const value = c.req.header(header);
      if (value !== undefined) headers.set(header, value);
    }
    let upstream: Response;
    try {
      const method = c.req.method;
      upstream = await fetch(`${lease.url}/mcp`, {
        method,
        headers,
        ...(method === "GET" || method === "HEAD"
          ? {}
          : { body: c.req.raw.body, duplex: "half" as const }),
        signal: c.req.raw.signal,
      });
    } catch (error) {
      lease.release();
      log.warn("gateway could not reach a server", { server: name, requestId, error });
      return jsonRpcError(c, 502, -32000, `${name} did not answer; try again`);
    }
    const out = new Headers();
    for (const header of RESPONSE_HEADERS) {
      const value = upstream.headers.get(header);
      if (value !== null) out.set(header, value);
    }
    return new Response(
      releasedBody(upstream.body, () => lease.release()),
      { status: upstream.status, headers: out },
    );
  });
}
