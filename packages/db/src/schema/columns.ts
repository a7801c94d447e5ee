import { timestamp } from "drizzle-orm/pg-core";

/** Every time is a moment, stored with its zone. */
export const moment = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
export const createdAt = () => moment("created_at").notNull().defaultNow();
