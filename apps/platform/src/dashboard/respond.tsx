/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { pageHeaders, safeLocalPath } from "@gumstack/runtime";
import type { Context, Handler, Hono } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import { readForm } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError, errorStatus } from "../errors.js";
import { type Api, ApiFailure, apiFor, failureOf } from "./api.js";
import { Layout } from "./components/index.js";
import { type Me, me as meShape } from "./shapes.js";

// Pages hold CSRF tokens and keys shown once: never cached, never framed, scripts only from here.
const headers = pageHeaders();

export function sendPage(
  c: Context<AppEnv>,
  page: JSX.Element,
  status: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 429 | 500 | 503 = 200,
) {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.html(page, status);
}

/** Who is signed in, or null: the API's `/api/me` decides. */
export async function currentUser(api: Api): Promise<Me | null> {
  const response = await api.send("GET", "/api/me");
  if (response.status === 401) return null;
  if (!response.ok) throw await failureOf(response);
  return meShape.parse(await response.json());
}

/** A path on this site to come back to after signing in (safeLocalPath decides); else "/". */
export function localPath(value: unknown): string {
  const path = safeLocalPath(value);
  return path === null || path.startsWith("/sign-") ? "/" : path;
}

export interface PageContext {
  c: Context<AppEnv>;
  api: Api;
  me: Me;
}

/**
 * A page or form handler that needs a session: without one the browser goes to sign in, and an
 * API failure the handler did not deal with becomes an HTML page naming it.
 */
export function signedIn(
  app: Hono<AppEnv>,
  handler: (context: PageContext) => Promise<Response>,
): Handler<AppEnv> {
  return async function signedInPage(c) {
    const api = apiFor(app, c);
    let me: Me | null = null;
    try {
      me = await currentUser(api);
      if (!me) return toSignIn(c);
      return await handler({ c, api, me });
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) return toSignIn(c);
      return problemPage(c, error, me);
    }
  };
}

function toSignIn(c: Context<AppEnv>) {
  const url = new URL(c.req.url);
  const next = c.req.method === "GET" ? url.pathname + url.search : "/";
  return c.redirect(next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`, 303);
}

export function problemPage(c: Context<AppEnv>, thrown: unknown, me: Me | null) {
  const options = me ? { me } : {};
  // The app's own refusal of the request itself (a body that is not a form, say).
  const error =
    thrown instanceof ApiError
      ? new ApiFailure(errorStatus[thrown.code], thrown.code, thrown.message)
      : thrown;
  if (error instanceof ApiFailure) {
    const title = error.status === 404 ? "Not found" : "That did not work";
    const status =
      error.status === 403 || error.status === 404 || error.status === 409
        ? error.status
        : error.status >= 500
          ? 503
          : 400;
    return sendPage(
      c,
      <Layout title={title} {...options}>
        <p class="error" role="alert">
          {error.message}
        </p>
        <p>
          <a href="/">Back to the servers</a>
        </p>
      </Layout>,
      status,
    );
  }
  c.var.log.error("dashboard page failed", {
    requestId: c.get("requestId"),
    path: c.req.path,
    error,
  });
  return sendPage(
    c,
    <Layout title="Something went wrong" {...options}>
      <p class="error" role="alert">
        Something went wrong on our side (request {c.get("requestId")}).
      </p>
    </Layout>,
    500,
  );
}

/** A posted form's text fields: the app's one form reader (body.ts). */
export const formOf = (c: Context<AppEnv>) => readForm(c);
