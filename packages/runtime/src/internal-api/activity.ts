// The ids module alone: the package's main entry loads the database drivers.
import { type Id, isId } from "@gumstack/db/ids";
import { z } from "zod";

/** At most this many tool calls in one POST /internal/activity. */
export const MAX_ACTIVITY_ENTRIES = 1_000;

/** Longer tool names are cut by the sender: a client may call a tool by any name. */
export const MAX_TOOL_NAME = 200;

/** One tool call as the activity view keeps it: never arguments, results or messages. */
export const activityEntrySchema = z.object({
  userId: z.custom<Id<"user">>(
    (v) => typeof v === "string" && isId("user", v),
    "must be a user id",
  ),
  tool: z.string().min(1).max(MAX_TOOL_NAME),
  outcome: z.enum(["ok", "error", "auth_required"]),
  latencyMs: z.number().min(0).max(86_400_000),
  /** ISO 8601. */
  calledAt: z.iso.datetime({ offset: true }),
});

/**
 * POST /internal/activity: the tool calls a hosted server served. No server id here: the calls
 * are the authenticated server's. Unknown keys are stripped.
 */
export const activityRequestSchema = z.object({
  entries: z
    .array(activityEntrySchema)
    .min(1)
    .max(MAX_ACTIVITY_ENTRIES, `at most ${MAX_ACTIVITY_ENTRIES} per request`),
});

/** What a hosted server sends for one tool call (the schema above is how the platform reads it). */
export interface ActivityEntry {
  userId: string;
  tool: string;
  outcome: z.output<typeof activityEntrySchema>["outcome"];
  latencyMs: number;
  /** ISO 8601. */
  calledAt: string;
}
