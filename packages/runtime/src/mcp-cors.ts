/**
 * CORS for an MCP endpoint, one answer for the standalone host and the platform's gateway:
 * which methods and headers a page of an allowed origin may use, and what it may read.
 */
export const MCP_METHODS = "GET, POST, DELETE, OPTIONS";
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
 * What a page of an allowed origin may read of an answer (its session, a 401's challenge),
 * added to `into`. No `Allow-Credentials`: a browser sends no cookies here, the key is the page's.
 */
export function mcpCorsHeaders(
  origin: string,
  into: Record<string, string> = {},
): Record<string, string> {
  into["access-control-allow-origin"] = origin;
  into["access-control-expose-headers"] = EXPOSED;
  into.vary = "Origin";
  return into;
}

/**
 * A preflight's answer headers, for a preflight answered before authentication (it carries no
 * credentials by design). Every `Mcp-*` header a page asks for is allowed: the newer revisions
 * add their own (`Mcp-Method`, `Mcp-Name`), and both ends pass them all.
 */
export function mcpPreflightHeaders(
  origin: string | undefined,
  requestedHeaders: string | null | undefined,
): Record<string, string> {
  const allowed = [...ALLOWED];
  for (const name of (requestedHeaders ?? "").split(",")) {
    const header = name.trim().toLowerCase();
    if (header.startsWith("mcp-") && /^[a-z0-9-]{1,64}$/.test(header) && !allowed.includes(header))
      allowed.push(header);
  }
  const headers: Record<string, string> = {
    "access-control-allow-methods": MCP_METHODS,
    "access-control-allow-headers": allowed.join(", "),
    "access-control-max-age": "600",
  };
  return origin === undefined ? headers : mcpCorsHeaders(origin, headers);
}
