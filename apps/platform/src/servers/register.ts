import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Id, newId, servers } from "@gumstack/db";
import { loadServerConfig, ServerConfigError } from "@gumstack/sdk";
import { eq } from "drizzle-orm";
import type { Services } from "../env.js";
import { ApiError } from "../errors.js";
import type { ServerRow } from "./owned-server.js";

/**
 * Registers (or re-registers) the server in `folder`: its gumstack.yaml names it and fixes its
 * auth type. Registering a changed auth type over a server that exists is refused (409): users'
 * tokens or values of one type mean nothing to another.
 */
export async function registerServer(
  services: Services,
  folder: string,
  ownerId: Id<"user">,
): Promise<ServerRow> {
  const path = resolve(folder);
  let config: ReturnType<typeof loadServerConfig>;
  try {
    config = loadServerConfig(join(path, "gumstack.yaml"));
  } catch (error) {
    if (error instanceof ServerConfigError)
      throw new ApiError("bad_request", `path: ${error.message}`);
    throw error;
  }
  if (!existsSync(join(path, config.entry))) {
    throw new ApiError("bad_request", `path: ${path} has no entry point ${config.entry}`);
  }
  const db = services.database.db;
  const [existing] = await db.select().from(servers).where(eq(servers.name, config.name));
  if (existing) {
    if (existing.ownerId !== ownerId)
      throw new ApiError("conflict", `name: a server named ${config.name} exists`);
    if (existing.authType !== config.auth.type) {
      throw new ApiError(
        "auth_type_fixed",
        `${config.name} was created with auth type ${existing.authType}; it cannot become ${config.auth.type}. Register it under a new name instead.`,
      );
    }
    const [updated] = await db
      .update(servers)
      .set({ sourcePath: path })
      .where(eq(servers.id, existing.id))
      .returning();
    return updated as ServerRow;
  }
  const [created] = await db
    .insert(servers)
    .values({
      id: newId("server"),
      name: config.name,
      authType: config.auth.type,
      ownerId,
      sourcePath: path,
    })
    .returning();
  return created as ServerRow;
}
