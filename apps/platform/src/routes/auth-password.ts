import { users } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import { throttled } from "../accounts/limits.js";
import { hashPassword, verifyPassword } from "../accounts/passwords.js";
import { password } from "../accounts/schemas.js";
import { deleteSessionsOf } from "../accounts/sessions.js";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";

const body = z.object({
  currentPassword: z.string().min(1, "must not be empty").max(256),
  newPassword: password,
});

/**
 * POST /api/auth/password: changes the caller's password, given the current one (a session
 * left open on a shared machine is not enough). Every other session ends: whoever knew the old
 * password is signed out everywhere; this browser stays signed in.
 */
export function registerPasswordChange(app: Hono<AppEnv>) {
  app.post("/api/auth/password", requireSession(), async (c) => {
    const input = await readBody(c, body);
    const { database, session, log } = c.var;
    await throttled(c, `password:user:${session.user.id}`, "passwordPerUser");
    const [user] = await database.db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, session.user.id));
    if (!user?.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash)))
      throw new ApiError("bad_request", "currentPassword: wrong password");
    if (input.newPassword === input.currentPassword)
      throw new ApiError("bad_request", "newPassword: must differ from the current password");
    await database.db
      .update(users)
      .set({ passwordHash: await hashPassword(input.newPassword) })
      .where(eq(users.id, session.user.id));
    const ended = await deleteSessionsOf(database.db, session.user.id, session.id);
    log.info("password changed", { userId: session.user.id, sessionsEnded: ended });
    return c.json({ sessionsEnded: ended });
  });
}
