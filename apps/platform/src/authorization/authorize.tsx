/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Id } from "@gumstack/db";
import { pageHeaders } from "@gumstack/runtime";
import type { Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import { isCsrfToken, readSession, SESSION_COOKIE, type Session } from "../accounts/sessions.js";
import { readForm } from "../body.js";
import type { AppEnv } from "../env.js";
import {
  AUTHORIZE_PARAMETERS,
  type AuthorizeRefusal,
  type AuthorizeRequest,
  checkAuthorizeRequest,
} from "./authorize-request.js";
import { issueCode } from "./codes.js";
import { AuthorizeErrorPage, ConsentPage } from "./consent-page.js";
import { findGrant, rememberConsent } from "./grants.js";
import { openPending, sealPending } from "./pending.js";
import { clientRedirect, formTargetOf } from "./redirect-targets.js";
import { setupOf } from "./server-setup.js";

const PATH = "/oauth/authorize";

function sendPage(
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

const me = (session: Session) => ({ user: session.user, csrfToken: session.csrfToken });

/** To the client, with a code or an error: RFC 6749 4.1.2 and 4.1.2.1, `iss` per RFC 9207. */
function toClient(
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

function refused(c: Context<AppEnv>, refusal: AuthorizeRefusal, session?: Session | null) {
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

async function approve(c: Context<AppEnv>, request: AuthorizeRequest, grantId: Id<"mcpGrant">) {
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
function requestParameters(from: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams();
  for (const name of AUTHORIZE_PARAMETERS)
    for (const value of from.getAll(name)) kept.append(name, value);
  return kept;
}

const currentSession = (c: Context<AppEnv>) =>
  readSession(c.var.database.db, c.var.vault, getCookie(c, SESSION_COOKIE), c.var.now());

/**
 * GET /oauth/authorize: an MCP client's authorization request (OAuth 2.1 with PKCE S256, a
 * `resource` naming one of our servers). Checked first; then the person signs in, and sees the
 * consent page, which offers to connect the server's account on the way if it needs one. A
 * consent already given (for this user, client and server) is not asked again: the client gets
 * its code at once, unless the server still needs setting up (or the browser came from one of
 * our own forms, see below: then one click confirms it).
 *
 * POST /oauth/authorize: the consent page's Allow or Deny, from this site (sameOriginWrites),
 * with the session's CSRF token and the request sealed for that session; checked again in full.
 */
export function registerAuthorize(app: Hono<AppEnv>) {
  app.get(PATH, async (c) => {
    const url = new URL(c.req.url);
    const checked = await checkAuthorizeRequest(c.var, url.searchParams);
    if (!checked.ok) return refused(c, checked.refusal);
    const { request } = checked;
    const session = await currentSession(c);
    // Back here once signed in: sign-in follows only a path of ours.
    if (!session)
      return c.redirect(`/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
    const setup = await setupOf(c.var, session.user.id, request.server, url.pathname + url.search);
    const grantId = await findGrant(c.var.database.db, {
      userId: session.user.id,
      clientId: request.client.clientId,
      serverId: request.server.id,
    });
    // A redirect to the client after one of our own forms (sign-in, the credential form) is
    // held to that form's `form-action 'self'` by browsers and blocked: from our own pages the
    // remembered consent is confirmed with one click instead, whose form may go to the client.
    const fromOurPage = c.req.header("sec-fetch-site") === "same-origin";
    if (grantId && !fromOurPage && (setup.kind === "ready" || setup.kind === "unknown"))
      return approve(c, request, grantId);
    const pending = sealPending(
      c.var.vault,
      session.id,
      requestParameters(url.searchParams),
      c.var.now(),
    );
    return sendPage(
      c,
      <ConsentPage
        me={me(session)}
        request={request}
        setup={setup}
        pending={pending}
        remembered={grantId !== undefined}
      />,
      200,
      [formTargetOf(request.redirectUri)],
    );
  });

  app.post(PATH, async (c) => {
    const form = await readForm(c);
    const session = await currentSession(c);
    if (!session)
      return sendPage(
        c,
        <AuthorizeErrorPage message="You are signed out. Start again from the app you were connecting." />,
        401,
      );
    if (!isCsrfToken(c.var.vault, session.id, form.csrf))
      return sendPage(
        c,
        <AuthorizeErrorPage
          message="csrf: this form did not come from this site's consent page."
          me={me(session)}
        />,
        403,
      );
    const params = openPending(c.var.vault, session.id, form.pending, c.var.now());
    if ("problem" in params)
      return sendPage(
        c,
        <AuthorizeErrorPage message={`pending: ${params.problem}`} me={me(session)} />,
        400,
      );
    const checked = await checkAuthorizeRequest(c.var, params);
    if (!checked.ok) return refused(c, checked.refusal, session);
    const { request } = checked;
    if (form.decision === "deny")
      return toClient(c, request.redirectUri, {
        error: "access_denied",
        error_description: "the user denied access",
        state: request.state,
      });
    if (form.decision !== "allow")
      return sendPage(
        c,
        <AuthorizeErrorPage message="decision: must be allow or deny" me={me(session)} />,
        400,
      );
    const grantId = await rememberConsent(c.var.database.db, {
      userId: session.user.id,
      clientId: request.client.clientId,
      serverId: request.server.id,
      clientName: request.client.name,
      scopes: request.scopes,
    });
    return approve(c, request, grantId);
  });
}
