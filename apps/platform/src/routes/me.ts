import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";

/** GET /api/me: who is signed in, and the CSRF token their writes carry. */
export function registerMe(app: Hono<AppEnv>) {
  app.get("/api/me", requireSession(), (c) => {
    const { user, csrfToken } = c.var.session;
    return c.json({ user, csrfToken });
  });
}
