import { index, pgTable, real, text } from "drizzle-orm/pg-core";
import type { Id } from "../ids.js";
import { moment } from "./columns.js";
import { serverReference, userReference } from "./references.js";

/** `auth_required`: the user must connect an account or fill in a form first; not a failure. */
export type ToolCallOutcome = "ok" | "error" | "auth_required";

/**
 * One tool call a hosted server served, for the activity view: who, which tool, how it ended and
 * how long the handler took. Never arguments, results or messages: nothing here is a secret.
 * Rows older than 30 days are pruned by the route that inserts them.
 */
export const toolCalls = pgTable(
  "tool_calls",
  {
    id: text("id").$type<Id<"toolCall">>().primaryKey(),
    serverId: serverReference(),
    userId: userReference(),
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
