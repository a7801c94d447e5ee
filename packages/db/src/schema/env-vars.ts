import { boolean, pgTable, text, unique } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { createdAt, moment } from "./columns.js";
import { serverReference } from "./references.js";

/** A hosted server's environment variable, set by its operator. The value is a vault envelope. */
export const envVars = pgTable(
  "env_vars",
  {
    id: text("id").$type<Id<"envVar">>().primaryKey(),
    serverId: serverReference(),
    name: text("name").notNull(),
    value: text("value").notNull(),
    /** An admin set this loader or interpreter variable on purpose (see unsafeNameProblem). */
    allowUnsafe: boolean("allow_unsafe").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: moment("updated_at").notNull().defaultNow(),
  },
  (t) => [unique("env_vars_server_name_key").on(t.serverId, t.name)],
);
