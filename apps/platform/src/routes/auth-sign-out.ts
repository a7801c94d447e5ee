import type { Hono } from "hono";
import { clearSessionCookie } from "../accounts/cookie.js";
import { deleteSession } from "../accounts/sessions.js";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";

/** POST /api/auth/sign-out: ends this session. */
export function registerSignOut(app: Hono<AppEnv>) {
  app.post("/api/auth/sign-out", requireSession(), async (c) => {
    await deleteSession(c.var.database.db, c.var.session.id);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
}
