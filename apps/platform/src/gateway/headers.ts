import type { IncomingHttpHeaders } from "node:http";

// Passed on to the server as they are. Everything else stays here: the caller's Authorization
// and cookies (the server gets a signed context instead), hop-by-hop headers, and anything the
// server has no business seeing (X-Forwarded-*, the caller's own X-Gumstack-Context).
const REQUEST = new Set(["content-type", "accept", "last-event-id", "origin"]);
// Passed back to the client. Not Set-Cookie (a server must not set cookies on our origin), not
// CORS headers (the gateway answers for its own origin), not WWW-Authenticate (the gateway does
// the authenticating).
const RESPONSE = new Set(["content-type", "cache-control", "allow", "retry-after"]);
export const SESSION_HEADER = "mcp-session-id";

/**
 * Every `Mcp-*` header passes, both ways, whatever its name: a revision newer than this code
 * (2026-07-28's `Mcp-Method`, `Mcp-Name`) must survive the hop. The session id is not among them:
 * each side has its own (see SessionIds), the caller rewrites it.
 */
const isMcp = (name: string) =>
  name.length > 4 && name.startsWith("mcp-") && name !== SESSION_HEADER;

/** The caller's headers the server gets, added to `into`. */
export function requestHeaders(
  from: IncomingHttpHeaders,
  into: Record<string, string>,
): Record<string, string> {
  for (const name in from) {
    if (!REQUEST.has(name) && !isMcp(name)) continue;
    const value = from[name];
    if (value !== undefined) into[name] = typeof value === "string" ? value : value.join(", ");
  }
  return into;
}

/** The server's headers the caller gets, added to `into`. */
export function responseHeaders(
  from: IncomingHttpHeaders,
  into: Record<string, string>,
): Record<string, string> {
  for (const name in from) {
    if (!RESPONSE.has(name) && !isMcp(name)) continue;
    const value = from[name];
    if (value !== undefined) into[name] = typeof value === "string" ? value : value.join(", ");
  }
  return into;
}
