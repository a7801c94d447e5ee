import { envVars, type Id, newId, servers } from "@gumstack/db";
import { and, eq, sql } from "drizzle-orm";
import type { Services } from "../env.js";

type Store = Pick<Services, "database" | "vault">;
type Saved = { created: boolean; updatedAt: Date | undefined };

/**
 * Creates or replaces a server's variable, encrypted, and moves the server's env version on so
 * it shows "redeploy pending". The name must already be checked (variableNameProblem).
 * With `keepExisting`, a variable already set is left as it is (the operator's value wins).
 */
export function setVariable(
  services: Store,
  serverId: Id<"server">,
  name: string,
  value: string,
  options?: { allowUnsafe?: boolean },
): Promise<Saved>;
export function setVariable(
  services: Store,
  serverId: Id<"server">,
  name: string,
  value: string,
  options: { keepExisting: true },
): Promise<Saved | null>;
export async function setVariable(
  services: Store,
  serverId: Id<"server">,
  name: string,
  value: string,
  options: { keepExisting?: boolean; allowUnsafe?: boolean } = {},
): Promise<Saved | null> {
  const { database, vault } = services;
  return database.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: envVars.id })
      .from(envVars)
      .where(and(eq(envVars.serverId, serverId), eq(envVars.name, name)));
    if (existing && options.keepExisting) return null;
    const id = existing?.id ?? newId("envVar");
    const sealed = vault.encrypt(value, { table: "env_vars", id, field: "value" });
    const [row] = await tx
      .insert(envVars)
      .values({ id, serverId, name, value: sealed, allowUnsafe: options.allowUnsafe ?? false })
      .onConflictDoUpdate({
        target: [envVars.serverId, envVars.name],
        set: { value: sealed, allowUnsafe: options.allowUnsafe ?? false, updatedAt: new Date() },
      })
      .returning({ updatedAt: envVars.updatedAt });
    await tx
      .update(servers)
      .set({ envVersion: sql`${servers.envVersion} + 1` })
      .where(eq(servers.id, serverId));
    return { created: existing === undefined, updatedAt: row?.updatedAt };
  });
}
