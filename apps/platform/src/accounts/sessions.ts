import { createHash, randomBytes } from "node:crypto";
import { type Database, type Id, newId, sessions, users } from "@gumstack/db";
import type { Vault } from "@gumstack/vault";
import { and, eq, gt, ne } from "drizzle-orm";

export const SESSION_COOKIE = "gs_session";
export const SESSION_TTL_MS = 30 * 24 * 60 * 60_000;

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

export interface SessionUser {
  id: Id<"user">;
  name: string;
  email: string | null;
  isAdmin: boolean;
}

export interface Session {
  id: Id<"session">;
  user: SessionUser;
  /** What a cookie-authenticated write must echo in `x-csrf-token`. */
  csrfToken: string;
}

/** The token a session's writes carry: an HMAC of its id, so it needs no column and no cookie. */
const csrfTokenOf = (vault: Vault, sessionId: string) => vault.sign("csrf", sessionId);

export async function createSession(db: Database, vault: Vault, userId: Id<"user">, now: number) {
  const token = randomBytes(32).toString("base64url");
  const id = newId("session");
  await db
    .insert(sessions)
    .values({ id, userId, tokenHash: hashOf(token), expiresAt: new Date(now + SESSION_TTL_MS) });
  return { token, csrfToken: csrfTokenOf(vault, id) };
}

export async function readSession(
  db: Database,
  vault: Vault,
  token: string | undefined,
  now: number,
): Promise<Session | null> {
  if (!token) return null;
  const [row] = await db
    .select({
      id: sessions.id,
      user: { id: users.id, name: users.name, email: users.email, isAdmin: users.isAdmin },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashOf(token)), gt(sessions.expiresAt, new Date(now))));
  return row ? { ...row, csrfToken: csrfTokenOf(vault, row.id) } : null;
}

export function isCsrfToken(vault: Vault, sessionId: string, given: string | undefined): boolean {
  return given !== undefined && vault.verify("csrf", sessionId, given);
}

export async function deleteSession(db: Database, id: Id<"session">): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

/** Ends every session of the user, or every one but `keep`: "sign out everywhere". */
export async function deleteSessionsOf(
  db: Database,
  userId: Id<"user">,
  keep?: Id<"session">,
): Promise<number> {
  const gone = await db
    .delete(sessions)
    .where(
      keep === undefined
        ? eq(sessions.userId, userId)
        : and(eq(sessions.userId, userId), ne(sessions.id, keep)),
    )
    .returning({ id: sessions.id });
  return gone.length;
}
