import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { moment } from "./columns.js";

/**
 * Attempts counted per key (`sign-in:account:<email>`, `sign-up:address:<ip>`…) in fixed
 * windows. Kept in the database, so every platform instance counts the same attempts; a row
 * whose window is over counts nothing and is swept.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    hits: integer("hits").notNull(),
    resetsAt: moment("resets_at").notNull(),
  },
  (t) => [index("rate_limits_resets_at_idx").on(t.resetsAt)],
);
