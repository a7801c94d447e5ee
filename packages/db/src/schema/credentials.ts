import { pgTable, text, unique } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt, moment } from "./columns.js";
import { serverReference, userReference } from "./references.js";

/** A user's values for a cred-mode server's fields: one vault envelope holding them all, as JSON. */
export const credentials = pgTable(
  "credentials",
  {
    id: text("id").$type<Id<"credential">>().primaryKey(),
    userId: userReference(),
    serverId: serverReference(),
    values: text("values").notNull(),
    createdAt: createdAt(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
  },
  (t) => [unique("credentials_user_server_key").on(t.userId, t.serverId)],
);
