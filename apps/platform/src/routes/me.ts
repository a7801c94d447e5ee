import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import type { AnswerOf } from "./answer.js";

function me(c: Context<AppEnv>) {
  const { user, csrfToken } = c.var.session;
  return c.json({ user, csrfToken });
}
export type MeAnswer = AnswerOf<typeof me>;

/** GET /api/me: who is signed in, and the CSRF token their writes carry. */
export function registerMe(app: Hono<AppEnv>) {
  app.get("/api/me", requireSession(), me);
}
