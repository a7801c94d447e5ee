import { users } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import { setSessionCookie } from "../accounts/cookie.js";
import { burnPasswordCheck, verifyPassword } from "../accounts/passwords.js";
import { email } from "../accounts/schemas.js";
import { createSession } from "../accounts/sessions.js";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

const body = z.object({ email, password: z.string().min(1, "must not be empty").max(256) });

/** POST /api/auth/sign-in. One answer for a wrong email and a wrong password: no account probing. */
export function registerSignIn(app: Hono<AppEnv>) {
  app.post("/api/auth/sign-in", async (c) => {
    const input = await readBody(c, body);
    const { database, vault, now, log } = c.var;
    const [user] = await database.db.select().from(users).where(eq(users.email, input.email));
    const ok = user?.passwordHash
      ? await verifyPassword(input.password, user.passwordHash)
      : await burnPasswordCheck(input.password);
    if (!user || !ok) {
      log.info("sign-in refused", { requestId: c.get("requestId") });
      throw new ApiError("invalid_credentials", "wrong email or password");
    }
    const { token, csrfToken } = await createSession(database.db, vault, user.id, now());
    setSessionCookie(c, token);
    return c.json({
      user: { id: user.id, name: user.name, email: user.email, isAdmin: user.isAdmin },
      csrfToken,
    });
  });
}
