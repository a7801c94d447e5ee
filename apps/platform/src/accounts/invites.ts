import { createHash, randomBytes } from "node:crypto";
import { type Database, type Id, invites, newId } from "@gumstack/db";
import { and, eq, gt, isNull } from "drizzle-orm";

const DAY = 24 * 3_600_000;
export const INVITE_TTL_DAYS = { default: 7, max: 30 } as const;

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** A new invitation: its token (256 random bits) is returned once and stored as a hash. */
export async function createInvite(
  db: Database,
  input: { createdBy: Id<"user"> | null; email: string | null; days: number; now: number },
) {
  const token = randomBytes(32).toString("base64url");
  const [row] = await db
    .insert(invites)
    .values({
      id: newId("invite"),
      tokenHash: hashOf(token),
      email: input.email,
      createdBy: input.createdBy,
      expiresAt: new Date(input.now + input.days * DAY),
    })
    .returning();
  return { token, invite: row as typeof invites.$inferSelect };
}

export type InviteCheck =
  | { ok: true; id: Id<"invite"> }
  | { ok: false; field: "invite" | "email"; message: string };

/**
 * Whether `token` is a usable invitation for `email`. Unknown, used and expired invitations all
 * get the same answer. Cheap: asked before a password is hashed.
 */
export async function checkInvite(
  db: Pick<Database, "select">,
  token: string,
  email: string,
  now: number,
): Promise<InviteCheck> {
  const [row] = await db
    .select({ id: invites.id, email: invites.email })
    .from(invites)
    .where(
      and(
        eq(invites.tokenHash, hashOf(token)),
        isNull(invites.usedAt),
        gt(invites.expiresAt, new Date(now)),
      ),
    );
  if (!row) {
    return {
      ok: false,
      field: "invite",
      message:
        "this invitation is not valid (unknown, used or expired): ask an admin for a new one",
    };
  }
  if (row.email !== null && row.email !== email) {
    return { ok: false, field: "email", message: "this invitation is for another email address" };
  }
  return { ok: true, id: row.id };
}

/** Uses the invitation up for `userId`, in the caller's transaction; false if it was just used. */
export async function claimInvite(
  tx: Pick<Database, "update">,
  id: Id<"invite">,
  userId: Id<"user">,
  now: number,
): Promise<boolean> {
  const [claimed] = await tx
    .update(invites)
    .set({ usedAt: new Date(now), usedBy: userId })
    .where(and(eq(invites.id, id), isNull(invites.usedAt)))
    .returning({ id: invites.id });
  return claimed !== undefined;
}

export function inviteStatus(row: { usedAt: Date | null; expiresAt: Date }, now: number) {
  if (row.usedAt !== null) return "used" as const;
  return row.expiresAt.getTime() <= now ? ("expired" as const) : ("pending" as const);
}
