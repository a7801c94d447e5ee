import { index, pgTable, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt, moment } from "./columns.js";
import { userReference } from "./references.js";

/** `gsk_…` bearer keys for MCP clients; only their SHA-256 is kept, so a leak of this table opens nothing. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").$type<Id<"apiKey">>().primaryKey(),
    userId: userReference(),
    name: text("name").notNull(),
    /** The first characters of the key, to tell keys apart in a list. */
    preview: text("preview").notNull(),
    hash: text("hash").notNull().unique(),
    createdAt: createdAt(),
    lastUsedAt: moment("last_used_at"),
    revokedAt: moment("revoked_at"),
  },
  (t) => [index("api_keys_user_id_idx").on(t.userId)],
);
