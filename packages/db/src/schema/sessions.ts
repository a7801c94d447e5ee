import { index, pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt, moment } from "./columns.js";
import { userReference } from "./references.js";

/** A signed-in browser. Only the SHA-256 of its cookie is kept: a leak of this table opens nothing. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").$type<Id<"session">>().primaryKey(),
    userId: userReference(),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: moment("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);
