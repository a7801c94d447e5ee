import { newId, users } from "@gumstack/db";
import type { Hono } from "hono";
import { z } from "zod";
import { clientAddress } from "../accounts/client-address.js";
import { setSessionCookie } from "../accounts/cookie.js";
import { checkInvite, claimInvite } from "../accounts/invites.js";
import { throttled } from "../accounts/limits.js";
import { hashPassword } from "../accounts/passwords.js";
import { email, password } from "../accounts/schemas.js";
import { createSession } from "../accounts/sessions.js";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";

const body = z.object({
  invite: z.string().min(1, "must be the token of an admin's invitation").max(200),
  email,
  password,
  name: z.string().trim().min(1, "must not be empty").max(100),
});

/**
 * POST /api/auth/sign-up: a new account, signed in, by invitation only. An open sign-up would
 * have to say "this email is taken" to someone, and would let anyone who reaches the platform
 * use every server's tools, the operator's variables included; an admin's invitation decides
 * who gets in, and only its holder can learn whether an address has an account.
 */
export function registerSignUp(app: Hono<AppEnv>) {
  app.post("/api/auth/sign-up", async (c) => {
    const input = await readBody(c, body);
    const { database, vault, now } = c.var;
    await throttled(c, `sign-up:address:${clientAddress(c)}`, "signUpPerAddress");
    const invite = await checkInvite(database.db, input.invite, input.email, now());
    if (!invite.ok) {
      throw new ApiError(
        invite.field === "invite" ? "invalid_invite" : "bad_request",
        `${invite.field}: ${invite.message}`,
      );
    }
    // Hashed before the transaction: scrypt takes a while, and PGlite has one connection.
    const passwordHash = await hashPassword(input.password);
    const id = newId("user");
    await database.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(users)
        .values({ id, email: input.email, name: input.name, passwordHash })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (!created) {
        throw new ApiError(
          "conflict",
          "email: an account with this address exists; sign in instead",
        );
      }
      if (!(await claimInvite(tx, invite.id, id, now())))
        throw new ApiError("invalid_invite", "invite: this invitation was just used");
    });
    const { token, csrfToken } = await createSession(database.db, vault, id, now());
    setSessionCookie(c, token);
    return c.json(
      { user: { id, name: input.name, email: input.email, isAdmin: false }, csrfToken },
      201,
    );
  });
}
