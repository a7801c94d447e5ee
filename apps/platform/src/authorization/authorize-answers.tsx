/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Id } from "@gumstack/db";
import { pageHeaders } from "@gumstack/runtime";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import { readSession, SESSION_COOKIE, type Session } from "../accounts/sessions.js";
import type { AppEnv } from "../env.js";
import {
  AUTHORIZE_PARAMETERS,
  type AuthorizeRefusal,
  type AuthorizeRequest,
} from "./authorize-request.js";
import { issueCode } from "./codes.js";
import { AuthorizeErrorPage } from "./consent-page.js";
import { clientRedirect } from "./redirect-targets.js";

// What GET and POST /oauth/authorize answer with: a page of ours, or a redirect to the client.

export function sendPage(
  c: Context<AppEnv>,
  page: JSX.Element,
  status: 200 | 400 | 401 | 403,
  formTargets: readonly string[] = [],
) {
  // Never cached, never framed (no clickjacking of Allow), forms posting only here and on to the client.
  for (const [name, value] of Object.entries(pageHeaders({ formActions: formTargets })))
    c.header(name, value);
  return c.html(page, status);
}

export const me = (session: Session) => ({ user: session.user, csrfToken: session.csrfToken });

/** To the client, with a code or an error: RFC 6749 4.1.2 and 4.1.2.1, `iss` per RFC 9207. */
export function toClient(
  c: Context<AppEnv>,
  redirectUri: string,
  parameters: Record<string, string | undefined>,
) {
  c.header("cache-control", "no-store");
  // After the consent form's POST, 303 makes the browser's next request a GET.
  return c.redirect(
    clientRedirect(redirectUri, c.var.publicUrl, parameters),
    c.req.method === "POST" ? 303 : 302,
  );
}

export function refused(c: Context<AppEnv>, refusal: AuthorizeRefusal, session?: Session | null) {
  if (refusal.kind === "page")
    return sendPage(
      c,
      <AuthorizeErrorPage message={refusal.message} me={session ? me(session) : undefined} />,
      400,
    );
  return toClient(c, refusal.redirectUri, {
    error: refusal.error,
    error_description: refusal.description,
    state: refusal.state,
  });
}

export async function approve(
  c: Context<AppEnv>,
  request: AuthorizeRequest,
  grantId: Id<"mcpGrant">,
) {
  const code = await issueCode(
    c.var.database.db,
    {
      grantId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      resource: request.resource,
      scopes: request.scopes,
    },
    c.var.now(),
  );
  return toClient(c, request.redirectUri, { code, state: request.state });
}

/** Only the parameters an authorization request is made of, in a fixed order. */
export function requestParameters(from: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams();
  for (const name of AUTHORIZE_PARAMETERS)
    for (const value of from.getAll(name)) kept.append(name, value);
  return kept;
}

export const currentSession = (c: Context<AppEnv>) =>
  readSession(c.var.database.db, c.var.vault, getCookie(c, SESSION_COOKIE), c.var.now());
