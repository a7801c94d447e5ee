import { newId, users } from "@gumstack/db";
import type { Hono } from "hono";
import { z } from "zod";
import { setSessionCookie } from "../accounts/cookie.js";
import { hashPassword } from "../accounts/passwords.js";
import { email, password } from "../accounts/schemas.js";
import { createSession } from "../accounts/sessions.js";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

const body = z.object({
  email,
  password,
  name: z.string().trim().min(1, "must not be empty").max(100),
});

/** POST /api/auth/sign-up: a new account, signed in. */
export function registerSignUp(app: Hono<AppEnv>) {
  app.post("/api/auth/sign-up", async (c) => {
    const input = await readBody(c, body);
    const { database, vault, now } = c.var;
    const id = newId("user");
    const [created] = await database.db
      .insert(users)
      .values({
        id,
        email: input.email,
        name: input.name,
        passwordHash: await hashPassword(input.password),
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!created)
      throw new ApiError(
        "conflict",
        `email: an account with ${input.email} exists; sign in instead`,
      );
    const { token, csrfToken } = await createSession(database.db, vault, id, now());
    setSessionCookie(c, token);
    return c.json(
      { user: { id, name: input.name, email: input.email, isAdmin: false }, csrfToken },
      201,
    );
  });
}
