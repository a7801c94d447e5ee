import { crossOriginProblem, originsOf } from "@gumstack/runtime";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
/**
 * The authorization server's endpoints for MCP clients (RFC 6749, 7009, 7591): called by client
 * software with its own credentials, never with our cookie, and by browser-based clients from
 * their own origin, so no origin is refused there.
 */
const CLIENT_ENDPOINTS = new Set(["/oauth/token", "/oauth/register", "/oauth/revoke"]);

/**
 * Every write the app serves (the JSON API, sign-in and sign-up included, the dashboard's forms,
 * the credential form) comes from the platform's own pages or from no browser page at all (see
 * crossOriginProblem). That is what stops login CSRF: a cross-site `<form enctype="text/plain">`
 * posting a JSON-looking body to /api/auth/sign-in. `/internal/*` is server to server,
 * authenticated by each server's runtime secret; CLIENT_ENDPOINTS carry no cookie.
 */
export function sameOriginWrites(publicUrl: string): MiddlewareHandler<AppEnv> {
  const ours = originsOf(publicUrl);
  return async function sameOriginWritesHandler(c, next) {
    if (
      SAFE.has(c.req.method) ||
      c.req.path.startsWith("/internal/") ||
      CLIENT_ENDPOINTS.has(c.req.path)
    )
      return next();
    const problem = crossOriginProblem(
      { origin: c.req.header("origin"), secFetchSite: c.req.header("sec-fetch-site") },
      ours,
    );
    if (problem) throw new ApiError("csrf_failed", `${problem}: use this site's own pages`);
    return next();
  };
}
