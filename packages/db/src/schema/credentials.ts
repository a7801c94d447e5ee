import { pgTable, text, unique } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt, moment } from "./columns.js";
import { servers } from "./servers.js";
import { users } from "./users.js";

/** A user's values for a cred-mode server's fields: one vault envelope holding them all, as JSON. */
export const credentials = pgTable(
  "credentials",
  {
    id: text("id").$type<Id<"credential">>().primaryKey(),
    userId: text("user_id")
      .$type<Id<"user">>()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    serverId: text("server_id")
      .$type<Id<"server">>()
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    values: text("values").notNull(),
    createdAt: createdAt(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
  },
  (t) => [unique("credentials_user_server_key").on(t.userId, t.serverId)],
);
