import type { IncomingMessage, ServerResponse } from "node:http";

const METHODS = "GET, POST, DELETE, OPTIONS";
const ALLOWED = [
  "authorization",
  "content-type",
  "accept",
  "last-event-id",
  "mcp-session-id",
  "mcp-protocol-version",
];
const EXPOSED = "Mcp-Session-Id, WWW-Authenticate";

/**
 * What a page of an allowed origin may read of an answer (its session, a 401's challenge). No
 * `Allow-Credentials`: a browser sends no cookies here, the key is the page's own.
 */
export function corsHeaders(origin: string, into: Record<string, string>): Record<string, string> {
  into["access-control-allow-origin"] = origin;
  into["access-control-expose-headers"] = EXPOSED;
  into.vary = "Origin";
  return into;
}

/**
 * A preflight, answered before authentication (it carries no credentials by design) and before
 * the server is looked up (so it says nothing of which exist). Every `Mcp-*` header a page asks
 * for is allowed: the newer revisions add their own (`Mcp-Method`, `Mcp-Name`) and the gateway
 * relays them all.
 */
export function preflight(req: IncomingMessage, res: ServerResponse, origin: string | undefined) {
  const headers: Record<string, string> = {
    "access-control-allow-methods": METHODS,
    "access-control-allow-headers": allowedHeaders(req.headers["access-control-request-headers"]),
    "access-control-max-age": "600",
  };
  res.writeHead(204, origin === undefined ? headers : corsHeaders(origin, headers));
  res.end();
}

function allowedHeaders(requested: string | undefined): string {
  const allowed = [...ALLOWED];
  for (const name of (requested ?? "").split(",")) {
    const header = name.trim().toLowerCase();
    if (header.startsWith("mcp-") && /^[a-z0-9-]{1,64}$/.test(header) && !allowed.includes(header))
      allowed.push(header);
  }
  return allowed.join(", ");
}
