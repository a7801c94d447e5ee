import { randomBytes } from "node:crypto";
import { type Database, newId, users } from "@gumstack/db";
import { eq } from "drizzle-orm";
import { hashPassword } from "./passwords.js";

export const FIRST_ADMIN_EMAIL = "admin@gumstack.localhost";

/**
 * On a platform with no admin yet, makes one with a random password and returns how to sign in,
 * for the operator's terminal (not the log). Returns null when an admin exists.
 */
export async function ensureFirstAdmin(
  db: Database,
): Promise<{ email: string; password: string } | null> {
  const [admin] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.isAdmin, true))
    .limit(1);
  if (admin) return null;
  const password = randomBytes(15).toString("base64url");
  const [made] = await db
    .insert(users)
    .values({
      id: newId("user"),
      name: "Admin",
      email: FIRST_ADMIN_EMAIL,
      isAdmin: true,
      passwordHash: await hashPassword(password),
    })
    .onConflictDoNothing()
    .returning({ id: users.id });
  // Another instance made it first: its terminal shows the password.
  return made ? { email: FIRST_ADMIN_EMAIL, password } : null;
}
