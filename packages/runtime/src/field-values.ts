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

/** The form's fields from a posted body: trimmed; a required one missing is the problem. */
export function formValues(
  fields: readonly { name: string; label?: string | undefined; optional: boolean }[],
  body: Record<string, unknown>,
): { values: Record<string, string> } | { problem: string } {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = body[field.name];
    const text = typeof value === "string" ? value.trim() : "";
    if (text === "" && !field.optional) {
      return { problem: `${field.label ?? field.name} is required. Nothing was changed.` };
    }
    if (text !== "") values[field.name] = text;
  }
  return { values };
}
