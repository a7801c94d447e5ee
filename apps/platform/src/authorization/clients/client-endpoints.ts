import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/*
 * What the authorization server's endpoints for clients (registration here) answer with: OAuth's
 * JSON error shape (RFC 6749 5.2, RFC 7591 3.2.2), not the platform API's, since client
 * libraries read `error` as a string; and CORS open to every origin, since browser-based clients
 * call from their own. No credentials are allowed cross-origin: these endpoints take no cookie.
 */

/** Preflights answered, and `Access-Control-Allow-Origin: *` on every answer, errors included. */
export function clientEndpointCors(): MiddlewareHandler {
  return cors({
    origin: "*",
    allowMethods: ["POST", "OPTIONS"],
    allowHeaders: ["content-type", "authorization", "accept", "mcp-protocol-version"],
    exposeHeaders: ["retry-after", "www-authenticate"],
    maxAge: 86_400,
  });
}

export function oauthError(
  c: Context,
  status: 400 | 401 | 413 | 415,
  error: string,
  description: string,
): Response {
  c.header("Cache-Control", "no-store");
  return c.json({ error, error_description: description }, status);
}
