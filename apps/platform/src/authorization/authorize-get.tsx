/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import {
  approve,
  currentSession,
  me,
  refused,
  requestParameters,
  sendPage,
} from "./authorize-answers.js";
import { checkAuthorizeRequest } from "./authorize-request.js";
import { ConsentPage } from "./consent-page.js";
import { findGrant } from "./grants.js";
import { sealPending } from "./pending.js";
import { formTargetOf } from "./redirect-targets.js";
import { setupOf } from "./server-setup.js";

/**
 * GET /oauth/authorize: an MCP client's authorization request (OAuth 2.1 with PKCE S256, a
 * `resource` naming one of our servers). Checked first; then the person signs in, and sees the
 * consent page, which offers to connect the server's account on the way if it needs one. A
 * consent already given (for this user, client and server) is not asked again: the client gets
 * its code at once, unless the server still needs setting up (or the browser came from one of
 * our own forms, see below: then one click confirms it).
 */
export function registerAuthorizeRequest(app: Hono<AppEnv>) {
  app.get("/oauth/authorize", async (c) => {
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
}
