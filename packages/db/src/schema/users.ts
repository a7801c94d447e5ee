import { boolean, pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt } from "./columns.js";

/** A person who calls tools and owns connections and credentials. */
export const users = pgTable("users", {
  id: text("id").$type<Id<"user">>().primaryKey(),
  name: text("name").notNull(),
  /** Platform sign-in; standalone hosts identify users by API key only. */
  email: text("email").unique(),
  /** scrypt, as `scrypt$N$r$p$salt$hash`; null for users who sign in by API key only. */
  passwordHash: text("password_hash"),
  isAdmin: boolean("is_admin").notNull().default(false),
  createdAt: createdAt(),
});
