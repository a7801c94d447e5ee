import { type Database, type Id, newId, type ToolCallOutcome, toolCalls } from "@gumstack/db";
import { and, eq, lt } from "drizzle-orm";

/** How long calls are kept: the activity view reads at most 720 hours back. */
export const RETENTION_MS = 30 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

export interface ToolCallInput {
  userId: Id<"user">;
  tool: string;
  outcome: ToolCallOutcome;
  latencyMs: number;
  calledAt: Date;
}

/**
 * Stores a hosted server's reported calls, in one statement, and prunes that server's calls
 * older than 30 days at most once an hour (per platform process: another process may prune the
 * same rows again, which deletes nothing). Pruning by server walks the (server_id, called_at)
 * index instead of scanning the table; a server that stops reporting keeps its last month of
 * rows until it reports again or is deleted (its rows go with it), and nothing reads them.
 */
export class ActivityRecorder {
  private readonly prunedAt = new Map<string, number>();

  async record(
    db: Database,
    serverId: Id<"server">,
    calls: readonly ToolCallInput[],
    now: number,
  ): Promise<void> {
    await db
      .insert(toolCalls)
      .values(calls.map((call) => ({ id: newId("toolCall"), serverId, ...call })));
    if (now - (this.prunedAt.get(serverId) ?? Number.NEGATIVE_INFINITY) < PRUNE_EVERY_MS) return;
    this.prunedAt.set(serverId, now);
    await db
      .delete(toolCalls)
      .where(
        and(eq(toolCalls.serverId, serverId), lt(toolCalls.calledAt, new Date(now - RETENTION_MS))),
      );
  }
}
