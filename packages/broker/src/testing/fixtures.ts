import { type Database, type Id, newId, servers, users } from "@gumstack/db";
import { createLogger } from "@gumstack/log";
import type { TokenResponse } from "@gumstack/oauth";
import type { Vault } from "@gumstack/vault";
import { type ConnectionRow, saveConnection } from "../connection-store.js";

export const quietLog = createLogger({ level: "error", format: "json", write: () => {} });

/** A user and an oauth server to hang connections on. */
export async function seedUserAndServer(
  db: Database,
): Promise<{ userId: Id<"user">; serverId: Id<"server"> }> {
  const userId = newId("user");
  const serverId = newId("server");
  await db.insert(users).values({ id: userId, name: "ada" });
  await db
    .insert(servers)
    .values({ id: serverId, name: `srv-${serverId.slice(-6)}`, authType: "oauth" });
  return { userId, serverId };
}

/** A connection holding `tokens`, expiring at `expiresAt`. */
export function seedConnection(
  db: Database,
  vault: Vault,
  owner: { userId: Id<"user">; serverId: Id<"server"> },
  tokens: TokenResponse,
  expiresAt: Date | null,
  provider = "oidc",
): Promise<ConnectionRow> {
  return saveConnection(db, vault, {
    ...owner,
    provider,
    nickname: "ada",
    tokens,
    expiresAt,
    requestedScopes: [],
  });
}
