import { index, pgTable, text } from "drizzle-orm/pg-core";
import { moment } from "./columns.js";

/**
 * Single-use links that were used (a credential form's ticket): the ticket itself is signed and
 * self-contained, so using it up is recorded here, by SHA-256, until it would have expired.
 */
export const usedTickets = pgTable(
  "used_tickets",
  {
    ticketHash: text("ticket_hash").primaryKey(),
    expiresAt: moment("expires_at").notNull(),
  },
  (t) => [index("used_tickets_expires_at_idx").on(t.expiresAt)],
);
