import { index, pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt, moment } from "./columns.js";
import { users } from "./users.js";

/**
 * An admin's invitation to create an account: the only way in besides the first admin. Single
 * use; only the SHA-256 of its token is kept. `email`, when set, is the one address it admits.
 */
export const invites = pgTable(
  "invites",
  {
    id: text("id").$type<Id<"invite">>().primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email"),
    createdBy: text("created_by")
      .$type<Id<"user">>()
      .references(() => users.id, { onDelete: "set null" }),
    expiresAt: moment("expires_at").notNull(),
    usedAt: moment("used_at"),
    usedBy: text("used_by")
      .$type<Id<"user">>()
      .references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("invites_created_by_idx").on(t.createdBy)],
);
