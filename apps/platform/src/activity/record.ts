import {
  type Database,
  type Id,
  newId,
  servers,
  type ToolCallOutcome,
  toolCalls,
} from "@gumstack/db";
import { and, eq, lt, sql } from "drizzle-orm";

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

const column = (name: keyof typeof toolCalls.$inferInsert) => sql.identifier(toolCalls[name].name);

/**
 * One statement with one parameter, however many calls: the batch as a JSON array, unpacked by
 * jsonb_to_recordset. A multi-row VALUES list costs a bind parameter per column per row, which
 * drizzle builds and the database parses one by one: a few times the CPU for a batch of 100.
 */
function insertCalls(serverId: Id<"server">, calls: readonly ToolCallInput[]) {
  const rows = calls.map((call) => ({
    id: newId("toolCall"),
    user_id: call.userId,
    tool: call.tool,
    outcome: call.outcome,
    latency_ms: call.latencyMs,
    called_at: call.calledAt.toISOString(),
  }));
  // tool_calls has no foreign keys (see its schema): the server row is locked once per batch
  // (FOR KEY SHARE, as a foreign key would per row), so a removal waits for this insert and then
  // deletes what it wrote, and a server already gone gets no rows.
  return sql`insert into ${toolCalls}
    (${column("id")}, ${column("serverId")}, ${column("userId")}, ${column("tool")},
     ${column("outcome")}, ${column("latencyMs")}, ${column("calledAt")})
    select r.id, s.id, r.user_id, r.tool, r.outcome, r.latency_ms, r.called_at
    from (select ${servers.id} from ${servers} where ${servers.id} = ${serverId} for key share) as s,
      jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
        id text, user_id text, tool text, outcome text, latency_ms real, called_at timestamptz)`;
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
    await db.execute(insertCalls(serverId, calls));
    if (now - (this.prunedAt.get(serverId) ?? Number.NEGATIVE_INFINITY) < PRUNE_EVERY_MS) return;
    this.prunedAt.set(serverId, now);
    await db
      .delete(toolCalls)
      .where(
        and(eq(toolCalls.serverId, serverId), lt(toolCalls.calledAt, new Date(now - RETENTION_MS))),
      );
  }
}
