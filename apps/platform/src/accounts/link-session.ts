import {
  accountLabel,
  errorPage,
  maskedEmail,
  signInFirstPage,
  wrongAccountPage,
} from "@gumstack/runtime";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../env.js";
import { readSession, SESSION_COOKIE, type Session } from "./sessions.js";

/**
 * The signed-in session a connect or form link may act in: the link's own user's, and no one
 * else's. A link travels through a model's reply and can be forwarded: opened by another
 * signed-in user it would file their account, or their typed key, under the link's user (the
 * phishing MCP's security guidance warns of). Signed out, the page asks to sign in as the
 * link's user and comes back here; signed in as another user, it is refused, naming both.
 */
export async function sessionForLink(
  c: Context<AppEnv>,
  linkUserId: string,
  what: string,
): Promise<Session | Response> {
  const { database, vault, now } = c.var;
  const linkAccount = await accountLabel(database.db, linkUserId);
  if (linkAccount === undefined)
    return c.html(
      errorPage("Cannot continue", "This link is for an account that no longer exists."),
      404,
    );
  const session = await readSession(database.db, vault, getCookie(c, SESSION_COOKIE), now());
  if (!session) {
    const here = new URL(c.req.url);
    const next = encodeURIComponent(here.pathname + here.search);
    return c.html(signInFirstPage(what, maskedEmail(linkAccount), `/sign-in?next=${next}`), 401);
  }
  if (session.user.id !== linkUserId) {
    const signedInAs = session.user.email ?? session.user.name;
    return c.html(wrongAccountPage(what, maskedEmail(linkAccount), signedInAs), 403);
  }
  return session;
}
