import { invites, isId } from "@gumstack/db";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { createInvite, INVITE_TTL_DAYS, inviteStatus } from "../accounts/invites.js";
import { email } from "../accounts/schemas.js";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import type { AnswerOf } from "./answer.js";

const body = z.object({
  email: email.optional(),
  days: z
    .number()
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(INVITE_TTL_DAYS.max, `must be at most ${INVITE_TTL_DAYS.max}`)
    .default(INVITE_TTL_DAYS.default),
});

function requireAdmin(c: Context<AppEnv>) {
  if (!c.var.session.user.isAdmin)
    throw new ApiError(
      "forbidden",
      "only an admin invites people: an account can use every server",
    );
}

const inviteOf = (row: typeof invites.$inferSelect, now: number) => ({
  id: row.id,
  email: row.email,
  status: inviteStatus(row, now),
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  usedAt: row.usedAt,
});

async function createInvitation(c: Context<AppEnv>) {
  requireAdmin(c);
  const input = await readBody(c, body);
  const { token, invite } = await createInvite(c.var.database.db, {
    createdBy: c.var.session.user.id,
    email: input.email ?? null,
    days: input.days,
    now: c.var.now(),
  });
  const url = `${c.var.publicUrl}/sign-up?invite=${token}`;
  return c.json({ ...inviteOf(invite, c.var.now()), url }, 201);
}
export type CreatedInviteAnswer = AnswerOf<typeof createInvitation>;

async function listInvitations(c: Context<AppEnv>) {
  requireAdmin(c);
  const rows = await c.var.database.db.select().from(invites).orderBy(desc(invites.createdAt));
  return c.json({ invites: rows.map((row) => inviteOf(row, c.var.now())) });
}
export type InviteListAnswer = AnswerOf<typeof listInvitations>;

/**
 * POST /api/invites (the sign-up link is in this answer only), GET /api/invites and
 * DELETE /api/invites/:id (withdraws one not used yet). Admins only.
 */
export function registerInvites(app: Hono<AppEnv>) {
  app.post("/api/invites", requireSession(), createInvitation);
  app.get("/api/invites", requireSession(), listInvitations);

  app.delete("/api/invites/:id", requireSession(), async (c) => {
    requireAdmin(c);
    const id = c.req.param("id");
    if (!isId("invite", id)) throw new ApiError("not_found", `no invitation ${id}`);
    const [gone] = await c.var.database.db
      .delete(invites)
      .where(and(eq(invites.id, id), isNull(invites.usedAt)))
      .returning({ id: invites.id });
    if (!gone) throw new ApiError("not_found", `no unused invitation ${id}`);
    return c.body(null, 204);
  });
}
