import { type Database, type Id, toolCalls, users } from "@gumstack/db";
import { and, asc, desc, eq, gte, sql } from "drizzle-orm";

const HOUR_MS = 3_600_000;
const RECENT = 50;

/** Milliseconds to two decimals (latencies are fractional ms); rates to three. */
const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

const count = sql<number>`count(*)::int`.mapWith(Number);
const errors = sql<number>`(count(*) filter (where ${toolCalls.outcome} = 'error'))::int`.mapWith(
  Number,
);
const authRequired =
  sql<number>`(count(*) filter (where ${toolCalls.outcome} = 'auth_required'))::int`.mapWith(
    Number,
  );
const percentile = (p: number) =>
  sql<number>`percentile_cont(${sql.raw(String(p))}) within group (order by ${toolCalls.latencyMs})`.mapWith(
    Number,
  );
// Whole hours since the epoch, so buckets are UTC hours whatever the session's time zone.
const hourOf = sql<number>`floor(extract(epoch from ${toolCalls.calledAt}) / 3600)::float8`.mapWith(
  Number,
);

/**
 * One server's tool calls since `hours` ago, as the activity view draws them: per tool, the
 * count, errors and latency percentiles (computed by the database); per UTC hour, the counts,
 * every hour of the window present; and the last 50 calls with their user's email.
 *
 * `errors` and `errorRate` count `error` only: `auth_required` is the user being asked to connect
 * or fill in a form, not the server failing, and has its own count. Percentiles are over every
 * call, whatever its outcome.
 */
export async function activitySummary(
  db: Database,
  serverId: Id<"server">,
  hours: number,
  now: number,
) {
  const since = new Date(now - hours * HOUR_MS);
  const window = and(eq(toolCalls.serverId, serverId), gte(toolCalls.calledAt, since));
  const [tools, hourly, recent] = await Promise.all([
    db
      .select({
        tool: toolCalls.tool,
        calls: count,
        errors,
        authRequired,
        p50: percentile(0.5),
        p95: percentile(0.95),
      })
      .from(toolCalls)
      .where(window)
      .groupBy(toolCalls.tool)
      .orderBy(desc(count), asc(toolCalls.tool)),
    db
      .select({ hour: hourOf, calls: count, errors, authRequired })
      .from(toolCalls)
      .where(window)
      .groupBy(hourOf),
    db
      .select({
        at: toolCalls.calledAt,
        tool: toolCalls.tool,
        userEmail: users.email,
        outcome: toolCalls.outcome,
        latencyMs: toolCalls.latencyMs,
      })
      .from(toolCalls)
      .innerJoin(users, eq(users.id, toolCalls.userId))
      .where(window)
      .orderBy(desc(toolCalls.calledAt), desc(toolCalls.id))
      .limit(RECENT),
  ]);
  const byHour = new Map(hourly.map((h) => [h.hour, h]));
  const first = Math.floor(since.getTime() / HOUR_MS);
  const last = Math.floor(now / HOUR_MS);
  const series = [];
  for (let hour = first; hour <= last; hour++) {
    const h = byHour.get(hour);
    series.push({
      at: new Date(hour * HOUR_MS).toISOString(),
      calls: h?.calls ?? 0,
      errors: h?.errors ?? 0,
      authRequired: h?.authRequired ?? 0,
    });
  }
  return {
    since: since.toISOString(),
    hours,
    tools: tools.map((t) => ({
      tool: t.tool,
      calls: t.calls,
      errors: t.errors,
      authRequired: t.authRequired,
      errorRate: round(t.errors / t.calls, 3),
      p50Ms: round(t.p50, 2),
      p95Ms: round(t.p95, 2),
    })),
    series,
    recent: recent.map((r) => ({
      at: r.at.toISOString(),
      tool: r.tool,
      userEmail: r.userEmail,
      outcome: r.outcome,
      latencyMs: round(r.latencyMs, 2),
    })),
  };
}
