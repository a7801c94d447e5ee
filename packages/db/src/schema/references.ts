import { text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { servers } from "./servers.js";
import { users } from "./users.js";

/** The owning user: rows go with their user. */
export const userReference = () =>
  text("user_id")
    .$type<Id<"user">>()
    .notNull()
    .references(() => users.id, { onDelete: "cascade" });

/** The server a row belongs to: rows go with their server. */
export const serverReference = () =>
  text("server_id")
    .$type<Id<"server">>()
    .notNull()
    .references(() => servers.id, { onDelete: "cascade" });
