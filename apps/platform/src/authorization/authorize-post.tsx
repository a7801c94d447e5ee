/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import { isCsrfToken } from "../accounts/sessions.js";
import { readForm } from "../body.js";
import type { AppEnv } from "../env.js";
import { approve, currentSession, me, refused, sendPage, toClient } from "./authorize-answers.js";
import { checkAuthorizeRequest } from "./authorize-request.js";
import { AuthorizeErrorPage } from "./consent-page.js";
import { rememberConsent } from "./grants.js";
import { openPending } from "./pending.js";

/**
 * POST /oauth/authorize: the consent page's Allow or Deny, from this site (sameOriginWrites),
 * with the session's CSRF token and the request sealed for that session; checked again in full.
 */
export function registerAuthorizeDecision(app: Hono<AppEnv>) {
  app.post("/oauth/authorize", async (c) => {
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
