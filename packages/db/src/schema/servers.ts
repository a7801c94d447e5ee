import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt } from "./columns.js";
import { users } from "./users.js";

export type AuthType = "oauth" | "cred" | "none";

/** An MCP server Gumstack hosts. Its auth type is fixed once it has stored anything. */
export const servers = pgTable(
  "servers",
  {
    id: text("id").$type<Id<"server">>().primaryKey(),
    name: text("name").notNull().unique(),
    authType: text("auth_type").$type<AuthType>().notNull(),
    /**
     * `hosted`: a server written with the SDK; `stdio`: an existing MCP server command, bridged;
     * `remote`: an existing MCP server's URL (both proxied). Fixed when it is registered, like
     * the auth type.
     */
    kind: text("kind").$type<"hosted" | "stdio" | "remote">().notNull().default("hosted"),
    /** The platform user who registered it; null for a standalone host's own row. */
    ownerId: text("owner_id")
      .$type<Id<"user">>()
      .references(() => users.id, { onDelete: "set null" }),
    /** The folder holding its gumstack.yaml and entry point (hosted servers). */
    sourcePath: text("source_path"),
    /** Grows with every change to its environment variables: a deployment records the one it ran. */
    envVersion: integer("env_version").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index("servers_owner_id_idx").on(t.ownerId)],
);
