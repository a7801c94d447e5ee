import { pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt } from "./columns.js";

export type AuthType = "oauth" | "cred" | "none";

/** An MCP server Gumstack hosts. Its auth type is fixed once it has stored anything. */
export const servers = pgTable("servers", {
  id: text("id").$type<Id<"server">>().primaryKey(),
  name: text("name").notNull().unique(),
  authType: text("auth_type").$type<AuthType>().notNull(),
  createdAt: createdAt(),
});
