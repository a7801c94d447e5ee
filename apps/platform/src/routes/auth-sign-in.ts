import { users } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import { clientAddress } from "../accounts/client-address.js";
import { setSessionCookie } from "../accounts/cookie.js";
import { throttled } from "../accounts/limits.js";
import { burnPasswordCheck, verifyPassword } from "../accounts/passwords.js";
import { email } from "../accounts/schemas.js";
import { createSession } from "../accounts/sessions.js";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

const body = z.object({ email, password: z.string().min(1, "must not be empty").max(256) });

/**
 * POST /api/auth/sign-in. One answer for a wrong email and a wrong password: no account probing.
 * Attempts are counted per address and per account before the password is hashed, so a burst
 * of guesses is refused (429) without costing a hash each; an account whose failures pass the
 * limit stays locked for the window, the correct password included.
 */
export function registerSignIn(app: Hono<AppEnv>) {
  app.post("/api/auth/sign-in", async (c) => {
    const input = await readBody(c, body);
    const { database, vault, now, log, throttle } = c.var;
    await throttled(c, `sign-in:address:${clientAddress(c)}`, "signInPerAddress");
    const account = `sign-in:account:${input.email}`;
    await throttled(c, account, "signInPerAccount");
    const [user] = await database.db.select().from(users).where(eq(users.email, input.email));
    const ok = user?.passwordHash
      ? await verifyPassword(input.password, user.passwordHash)
      : await burnPasswordCheck(input.password);
    if (!user || !ok) {
      log.info("sign-in refused", { requestId: c.get("requestId") });
      throw new ApiError("invalid_credentials", "wrong email or password");
    }
    await throttle.reset(account);
    const { token, csrfToken } = await createSession(database.db, vault, user.id, now());
    setSessionCookie(c, token);
    return c.json({
      user: { id: user.id, name: user.name, email: user.email, isAdmin: user.isAdmin },
      csrfToken,
    });
  });
}
