import type { Hono } from "hono";
import { clearSessionCookie } from "../accounts/cookie.js";
import { deleteSession, deleteSessionsOf } from "../accounts/sessions.js";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";

/**
 * POST /api/auth/sign-out: ends this session. POST /api/auth/sign-out-everywhere: ends every
 * session of the caller, this one included (a lost laptop, a shared machine). Sessions are read
 * from the database on every request, so either takes effect at once on every instance.
 */
export function registerSignOut(app: Hono<AppEnv>) {
  app.post("/api/auth/sign-out", requireSession(), async (c) => {
    await deleteSession(c.var.database.db, c.var.session.id);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  app.post("/api/auth/sign-out-everywhere", requireSession(), async (c) => {
    const ended = await deleteSessionsOf(c.var.database.db, c.var.session.user.id);
    clearSessionCookie(c);
    return c.json({ sessionsEnded: ended });
  });
}
