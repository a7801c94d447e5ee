import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { isCsrfToken, readSession, SESSION_COOKIE } from "../accounts/sessions.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The signed-in user, from the session cookie; 401 without one. A write must also carry the
 * session's CSRF token in `x-csrf-token`: another site can make the browser send the cookie, but
 * it cannot read the token.
 */
export function requireSession(): MiddlewareHandler<AppEnv> {
  return async function requireSessionHandler(c, next) {
    const { database, vault, now } = c.var;
    const session = await readSession(database.db, vault, getCookie(c, SESSION_COOKIE), now());
    if (!session) throw new ApiError("unauthorized", "sign in first: no valid session cookie");
    // Writes from another site were refused before this (sameOriginWrites).
    if (!SAFE.has(c.req.method)) {
      if (!isCsrfToken(vault, session.id, c.req.header("x-csrf-token"))) {
        throw new ApiError(
          "csrf_failed",
          "missing or wrong x-csrf-token header (GET /api/me gives it)",
        );
      }
    }
    c.set("session", session);
    await next();
  };
}
