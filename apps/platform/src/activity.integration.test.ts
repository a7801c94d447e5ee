import { type Id, newId, rowsOf as resultRows, toolCalls } from "@gumstack/db";
import { testDriver } from "@gumstack/db/testing";
import { runtimeSecretFor } from "@gumstack/runtime";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActivityRecorder } from "./activity/index.js";
import {
  PUBLIC_URL,
  type SignedIn,
  type TestPlatform,
  testPlatform,
} from "./testing/api-client.js";

const MINUTE = 60_000;

interface Entry {
  userId: string;
  tool: string;
  outcome: string;
  latencyMs: number;
  calledAt: string;
}

describe(`tool-call activity [${testDriver}]`, () => {
  let platform: TestPlatform;
  let owner: SignedIn;
  let caller: SignedIn;
  let stranger: SignedIn;
  let serverId: string;
  let otherId: string;
  let secret: string;
  const now = Date.now();
  const ago = (ms: number) => new Date(now - ms).toISOString();

  beforeAll(async () => {
    platform = await testPlatform();
    owner = await platform.signUp("owner@example.com");
    caller = await platform.signUp("caller@example.com");
    stranger = await platform.signUp("stranger@example.com");
    serverId = await platform.serverOf(owner, "weather");
    otherId = await platform.serverOf(owner, "other");
    secret = runtimeSecretFor(platform.services.vault, serverId);
  });
  afterAll(async () => platform?.close());

  const report = (
    body: unknown,
    options: { server?: string; secret?: string | null; raw?: boolean } = {},
  ) =>
    platform.app.request(`${PUBLIC_URL}/internal/activity`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.secret === null ? {} : { authorization: `Bearer ${options.secret ?? secret}` }),
        "x-gumstack-server": options.server ?? serverId,
      },
      body: options.raw ? String(body) : JSON.stringify(body),
    });
  const entry = (overrides: Partial<Entry> = {}): Entry => ({
    userId: caller.userId,
    tool: "whoami",
    outcome: "ok",
    latencyMs: 1,
    calledAt: ago(MINUTE),
    ...overrides,
  });
  const activity = (as: SignedIn, query = "", server = "weather") =>
    platform.call("GET", `/api/servers/${server}/activity${query}`, { as });
  const rowsOf = (id: string) =>
    platform.database.db
      .select()
      .from(toolCalls)
      .where(eq(toolCalls.serverId, id as Id<"server">));

  describe("POST /internal/activity", () => {
    it("refuses a caller without this server's runtime secret", async () => {
      for (const response of [
        await report({ entries: [entry()] }, { secret: null }),
        await report({ entries: [entry()] }, { secret: "k1.forged" }),
        await report(
          { entries: [entry()] },
          { secret: runtimeSecretFor(platform.services.vault, otherId) },
        ),
        await report({ entries: [entry()] }, { server: "" }),
      ]) {
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
      }
      expect(await rowsOf(serverId)).toHaveLength(0);
    });

    it("refuses a server that no longer exists", async () => {
      const gone = newId("server");
      const response = await report(
        { entries: [entry()] },
        { server: gone, secret: runtimeSecretFor(platform.services.vault, gone) },
      );
      expect(response.status).toBe(404);
    });

    // Bodies are built in the test: the users exist only once the suite has started.
    const bad: Array<[string, () => unknown, string]> = [
      ["a body that is not JSON", () => "{nope", "body"],
      ["no entries", () => ({ entries: [] }), "entries"],
      ["over 1,000 entries", () => ({ entries: Array.from({ length: 1_001 }, entry) }), "entries"],
      [
        "an unknown outcome",
        () => ({ entries: [entry({ outcome: "maybe" })] }),
        "entries.0.outcome",
      ],
      [
        "a user id that is not one",
        () => ({ entries: [entry({ userId: "ada" })] }),
        "entries.0.userId",
      ],
      [
        "a negative latency",
        () => ({ entries: [entry({ latencyMs: -1 })] }),
        "entries.0.latencyMs",
      ],
      [
        "a time that is not ISO",
        () => ({ entries: [entry({ calledAt: "noon" })] }),
        "entries.0.calledAt",
      ],
      ["an empty tool name", () => ({ entries: [entry(), entry({ tool: "" })] }), "entries.1.tool"],
      [
        "a NUL in a tool name (Postgres text cannot hold one)",
        () => ({ entries: [entry({ tool: "bad\u0000name" })] }),
        "entries.0.tool",
      ],
      [
        "a user who does not exist",
        () => ({ entries: [entry(), entry({ userId: newId("user") })] }),
        "entries.1.userId",
      ],
    ];
    it.each(bad)("refuses %s with 400 naming the field", async (_, build, field) => {
      const body = build();
      const response = await report(body, { raw: typeof body === "string" });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("bad_request");
      if (field !== "body") expect(error.message).toMatch(new RegExp(`^${field}: `));
      expect(await rowsOf(serverId)).toHaveLength(0);
    });

    it("records for the authenticated server, whatever the body names", async () => {
      const response = await report({
        serverId: otherId,
        entries: [
          entry({ tool: "probe", latencyMs: 12.5 }),
          // Another zone's offset: stored as the same moment.
          entry({
            tool: "probe 2",
            outcome: "error",
            calledAt: new Date(now - 2 * MINUTE + 2 * 60 * MINUTE)
              .toISOString()
              .replace("Z", "+02:00"),
          }),
        ],
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ recorded: 2 });
      expect(await rowsOf(otherId)).toHaveLength(0);
      const rows = (await rowsOf(serverId)).sort((a, b) => a.tool.localeCompare(b.tool));
      expect(rows).toEqual([
        {
          id: expect.stringMatching(/^tcl_[a-z2-7]{26}$/),
          serverId,
          userId: caller.userId,
          tool: "probe",
          outcome: "ok",
          latencyMs: 12.5,
          calledAt: new Date(ago(MINUTE)),
        },
        {
          id: expect.stringMatching(/^tcl_[a-z2-7]{26}$/),
          serverId,
          userId: caller.userId,
          tool: "probe 2",
          outcome: "error",
          latencyMs: 1,
          calledAt: new Date(now - 2 * MINUTE),
        },
      ]);
      expect(rows[0]?.id).not.toBe(rows[1]?.id);
      await platform.database.db.delete(toolCalls);
    });

    it("prunes the server's calls older than 30 days, at most once an hour", async () => {
      const prunedId = await platform.serverOf(owner, "pruned");
      const prunedSecret = runtimeSecretFor(platform.services.vault, prunedId);
      const old = () =>
        platform.database.db.insert(toolCalls).values({
          id: newId("toolCall"),
          serverId: prunedId as Id<"server">,
          userId: caller.userId as Id<"user">,
          tool: "ancient",
          outcome: "ok",
          latencyMs: 1,
          calledAt: new Date(now - 31 * 24 * 60 * MINUTE),
        });
      await old();
      const send = () => report({ entries: [entry()] }, { server: prunedId, secret: prunedSecret });
      expect((await send()).status).toBe(200);
      expect((await rowsOf(prunedId)).map((r) => r.tool)).toEqual(["whoami"]);
      await old();
      expect((await send()).status).toBe(200);
      expect((await rowsOf(prunedId)).map((r) => r.tool).sort()).toEqual([
        "ancient",
        "whoami",
        "whoami",
      ]);
    });
  });

  // tool_calls has no foreign keys (a row per call; see its schema): these are what the
  // cascade and the per-row check did.
  describe("when a server is removed", () => {
    const call = () => ({
      userId: caller.userId as Id<"user">,
      tool: "whoami",
      outcome: "ok" as const,
      latencyMs: 1,
      calledAt: new Date(now - MINUTE),
    });
    const remove = (name: string) => platform.call("DELETE", `/api/servers/${name}`, { as: owner });

    it("deletes its calls with it", async () => {
      const goneId = await platform.serverOf(owner, "removed");
      const goneSecret = runtimeSecretFor(platform.services.vault, goneId);
      const sent = await report(
        { entries: [entry(), entry()] },
        { server: goneId, secret: goneSecret },
      );
      expect(sent.status).toBe(200);
      expect(await rowsOf(goneId)).toHaveLength(2);
      expect((await remove("removed")).status).toBe(204);
      expect(await rowsOf(goneId)).toHaveLength(0);
    });

    it("stores nothing for a server that is already gone", async () => {
      const gone = newId("server");
      await new ActivityRecorder().record(platform.database.db, gone, [call()], now);
      expect(await rowsOf(gone)).toHaveLength(0);
    });

    it("takes a batch being stored as it is removed with it, leaving no row behind", async () => {
      const racingId = (await platform.serverOf(owner, "racing")) as Id<"server">;
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let stored = () => {};
      const inserted = new Promise<void>((resolve) => {
        stored = resolve;
      });
      // The batch's transaction stays open, its rows not yet committed, while the removal runs.
      const batch = platform.database.db.transaction(async (tx) => {
        await new ActivityRecorder().record(tx, racingId, [call(), call()], now);
        stored();
        await released;
      });
      await inserted;
      let settled = false;
      const removal = remove("racing").finally(() => {
        settled = true;
      });
      if (testDriver === "postgres") {
        // Until the removal waits for the batch's lock on the server row (or, without that
        // lock, has already finished: then the batch's rows outlive their server).
        const waiting = async () =>
          resultRows<{ n: number }>(
            await platform.database.db.execute(
              sql`select count(*)::int as n from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'`,
            ),
          )[0]?.n ?? 0;
        for (let i = 0; i < 500 && !settled && (await waiting()) === 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
      } else {
        // PGlite runs one statement at a time: the removal cannot begin before the batch ends.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      release();
      await batch;
      expect((await removal).status).toBe(204);
      expect(await rowsOf(racingId)).toHaveLength(0);
    });
  });

  describe("GET /api/servers/:server/activity", () => {
    beforeAll(async () => {
      // whoami: latencies 1..10 ms, one error and one auth_required; search: 100 and 200 ms;
      // one call 3 hours ago; and a call on another server, which must not show.
      const whoami = Array.from({ length: 10 }, (_, i) =>
        entry({
          userId: i % 2 === 0 ? caller.userId : owner.userId,
          latencyMs: i + 1,
          outcome: i === 9 ? "error" : i === 8 ? "auth_required" : "ok",
          calledAt: ago((i + 1) * MINUTE),
        }),
      );
      const search = [
        entry({ tool: "search", latencyMs: 100, calledAt: ago(30_000) }),
        entry({ tool: "search", latencyMs: 200, calledAt: ago(20_000) }),
      ];
      const earlier = entry({ tool: "forecast", calledAt: ago(180 * MINUTE) });
      expect((await report({ entries: [...whoami, ...search, earlier] })).status).toBe(200);
      const other = { server: otherId, secret: runtimeSecretFor(platform.services.vault, otherId) };
      expect((await report({ entries: [entry({ tool: "elsewhere" })] }, other)).status).toBe(200);
    });

    it("answers per tool, per hour and the latest calls, with percentiles from the database", async () => {
      const response = await activity(owner, "?hours=1");
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        since: string;
        hours: number;
        tools: unknown[];
        series: Array<{ at: string; calls: number; errors: number }>;
        recent: unknown[];
      };
      expect(body.hours).toBe(1);
      expect(Date.parse(body.since)).toBeLessThanOrEqual(now - 60 * MINUTE + 60_000);
      expect(body.tools).toEqual([
        {
          tool: "whoami",
          calls: 10,
          errors: 1,
          authRequired: 1,
          errorRate: 0.1,
          p50Ms: 5.5,
          p95Ms: 9.55,
        },
        {
          tool: "search",
          calls: 2,
          errors: 0,
          authRequired: 0,
          errorRate: 0,
          p50Ms: 150,
          p95Ms: 195,
        },
      ]);
      // The window's hours, each present, on UTC hour boundaries.
      expect(body.series).toHaveLength(2);
      for (const point of body.series) expect(point.at).toMatch(/T\d\d:00:00\.000Z$/);
      expect(body.series.reduce((sum, p) => sum + p.calls, 0)).toBe(12);
      expect(body.series.reduce((sum, p) => sum + p.errors, 0)).toBe(1);
      expect(body.recent).toHaveLength(12);
      expect(body.recent.slice(0, 3)).toEqual([
        {
          at: ago(20_000),
          tool: "search",
          userEmail: "caller@example.com",
          outcome: "ok",
          latencyMs: 200,
        },
        {
          at: ago(30_000),
          tool: "search",
          userEmail: "caller@example.com",
          outcome: "ok",
          latencyMs: 100,
        },
        {
          at: ago(MINUTE),
          tool: "whoami",
          userEmail: "caller@example.com",
          outcome: "ok",
          latencyMs: 1,
        },
      ]);
      expect(body.recent.at(-1)).toMatchObject({
        tool: "whoami",
        userEmail: "owner@example.com",
        outcome: "error",
        latencyMs: 10,
      });
    });

    it("looks back 24 hours by default", async () => {
      const body = (await (await activity(owner)).json()) as {
        hours: number;
        tools: Array<{ tool: string }>;
        series: Array<{ calls: number }>;
      };
      expect(body.hours).toBe(24);
      expect(body.tools.map((t) => t.tool)).toEqual(["whoami", "search", "forecast"]);
      expect(body.series).toHaveLength(25);
      expect(body.series.reduce((sum, p) => sum + p.calls, 0)).toBe(13);
    });

    it("keeps at most the 50 latest calls in `recent`", async () => {
      const many = Array.from({ length: 60 }, (_, i) =>
        entry({ tool: "burst", calledAt: ago(2 * MINUTE + i) }),
      );
      expect(
        (
          await report(
            { entries: many },
            { server: otherId, secret: runtimeSecretFor(platform.services.vault, otherId) },
          )
        ).status,
      ).toBe(200);
      const body = (await (await activity(owner, "", "other")).json()) as {
        tools: Array<{ tool: string; calls: number }>;
        recent: Array<{ at: string }>;
      };
      expect(body.tools).toEqual([
        expect.objectContaining({ tool: "burst", calls: 60 }),
        expect.objectContaining({ tool: "elsewhere", calls: 1 }),
      ]);
      expect(body.recent).toHaveLength(50);
      expect(body.recent[0]?.at).toBe(ago(MINUTE));
    });

    it.each(["0", "721", "1.5", "a-day", ""])(
      "refuses hours=%s with 400 naming hours",
      async (h) => {
        const response = await activity(owner, `?hours=${h}`);
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({
          error: { code: "bad_request", message: expect.stringMatching(/^hours: /) },
        });
      },
    );

    it("shows a server to its owner only: a caller of it or anyone else gets 404", async () => {
      for (const who of [caller, stranger]) {
        const response = await activity(who);
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
      }
    });

    it("needs a session", async () => {
      const response = await platform.call("GET", "/api/servers/weather/activity");
      expect(response.status).toBe(401);
    });
  });
});
