import { credentials, type Database, type Id, newId } from "@gumstack/db";
import type { Vault } from "@gumstack/vault";
import { and, eq } from "drizzle-orm";

const location = (id: string) => ({ table: "credentials", id, field: "values" });

/** A user's values for a cred server, stored as one vault envelope; replaces what was there. */
export async function saveFieldValues(
  db: Database,
  vault: Vault,
  userId: Id<"user">,
  serverId: Id<"server">,
  values: Record<string, string>,
): Promise<void> {
  const [existing] = await db
    .select({ id: credentials.id })
    .from(credentials)
    .where(and(eq(credentials.userId, userId), eq(credentials.serverId, serverId)));
  const id = existing?.id ?? newId("credential");
  const sealed = vault.encrypt(JSON.stringify(values), location(id));
  await db
    .insert(credentials)
    .values({ id, userId, serverId, values: sealed })
    .onConflictDoUpdate({
      target: [credentials.userId, credentials.serverId],
      set: { values: sealed, updatedAt: new Date() },
    });
}

/** The stored values, or null when there are none. @throws VaultDecryptError for a bad row. */
export async function readFieldValues(
  db: Database,
  vault: Vault,
  userId: string,
  serverId: string,
): Promise<Record<string, string> | null> {
  const [row] = await db
    .select()
    .from(credentials)
    .where(
      and(
        eq(credentials.userId, userId as Id<"user">),
        eq(credentials.serverId, serverId as Id<"server">),
      ),
    );
  if (!row) return null;
  const parsed: unknown = JSON.parse(vault.decrypt(row.values, location(row.id)));
  if (typeof parsed !== "object" || parsed === null) return null;
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}
