import { index, pgTable, real, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { moment } from "./columns.js";

/** `auth_required`: the user must connect an account or fill in a form first; not a failure. */
export type ToolCallOutcome = "ok" | "error" | "auth_required";

/**
 * One tool call a hosted server served, for the activity view: who, which tool, how it ended and
 * how long the handler took. Never arguments, results or messages: nothing here is a secret.
 * Rows older than 30 days are pruned by the route that inserts them.
 *
 * No foreign keys, unlike every other table: this one takes a row per call, and a foreign key
 * checks each row on its own (a lookup and a `FOR KEY SHARE` lock on the parent, per row), which
 * measured as about half of what storing a call cost on PGlite. The one route that writes here
 * checks the server and every user once per batch instead, and locks the server row while it
 * inserts; removing a server deletes its calls in the same transaction (the platform's
 * routes/server-remove.ts). Users are never deleted.
 */
export const toolCalls = pgTable(
  "tool_calls",
  {
    id: text("id").$type<Id<"toolCall">>().primaryKey(),
    serverId: text("server_id").$type<Id<"server">>().notNull(),
    userId: text("user_id").$type<Id<"user">>().notNull(),
    tool: text("tool").notNull(),
    outcome: text("outcome").$type<ToolCallOutcome>().notNull(),
    /** Milliseconds, fractional: float4 keeps µs for anything under a few seconds, in 4 bytes. */
    latencyMs: real("latency_ms").notNull(),
    /** When the call began, by the server's clock. */
    calledAt: moment("called_at").notNull(),
  },
  // Every read is one server's recent calls; the prune is one server's old ones.
  (t) => [index("tool_calls_server_called_at_idx").on(t.serverId, t.calledAt)],
);
