import { type Id, newId, servers } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { Services } from "../env.js";
import { ApiError } from "../errors.js";
import type { ServerRow } from "./owned-server.js";
import { readServerFolder, type ServerFolder, ServerFolderError } from "./server-folder.js";

/** The folder a registration names, read once; a bad one is a 400 naming `path`. */
export function readFolderToRegister(folder: string): ServerFolder {
  try {
    return readServerFolder(folder);
  } catch (error) {
    if (error instanceof ServerFolderError)
      throw new ApiError("bad_request", `path: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Registers (or re-registers) the server in `folder` (or the proxied server a `.yaml` file
 * describes): its configuration names it and fixes its kind and auth type. Registering a changed auth type over a server that exists is refused (409): users'
 * tokens or values of one type mean nothing to another.
 */
export async function registerServer(
  services: Services,
  folder: string | ServerFolder,
  ownerId: Id<"user">,
): Promise<ServerRow> {
  const read = typeof folder === "string" ? readFolderToRegister(folder) : folder;
  const { config, kind } = read;
  // A proxied server named by its own file is registered by that file: it is what deploys read.
  const path = read.kind === "hosted" ? read.path : read.file;
  const db = services.database.db;
  const [existing] = await db.select().from(servers).where(eq(servers.name, config.name));
  if (existing) {
    if (existing.ownerId !== ownerId)
      throw new ApiError("conflict", `name: a server named ${config.name} exists`);
    if (existing.kind !== kind) {
      throw new ApiError(
        "conflict",
        `kind: ${config.name} is a ${existing.kind} server; it cannot become ${kind}. Register it under a new name instead.`,
      );
    }
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
      kind,
      ownerId,
      sourcePath: path,
    })
    .returning();
  return created as ServerRow;
}
